"""Form fields shared by the domains' forms."""

from __future__ import annotations

from wtforms import FloatField


class DecimalField(FloatField):
    """A number typed the way people type it here: "0,5" and "0，5" read as 0.5.

    The text typed is shown again as typed when the form comes back with an error."""

    def process_formdata(self, valuelist):
        if not valuelist:
            # Called with nothing only for a form that was sent without this field.
            self.data = None
            return
        typed = (valuelist[0] or "").strip().replace("，", ",").replace(",", ".")
        if not typed:
            self.data = None
            return
        try:
            self.data = float(typed)
        except ValueError:
            self.data = None
            raise ValueError(self.gettext("Not a valid float value.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:g}"


# The largest id an INTEGER column holds: a bigger number typed into a form is no row's id, and
# PostgreSQL would refuse to compare it.
MAX_ID = 2**31 - 1


def row_id(value) -> int | None:
    """A posted id as a number that can be looked up, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None
