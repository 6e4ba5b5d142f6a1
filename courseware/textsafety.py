"""Make text safe to hand to other programs."""

# A spreadsheet runs a cell as a formula when it starts with one of these (OWASP's rule).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def neutralise(value):
    """Prefix a quote to text a spreadsheet would run as a formula; leave other values alone.

    Every cell of every CSV or XLSX export passes through here.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
