"""Form fields shared by the domains' forms."""

from __future__ import annotations

from wtforms import FloatField


class DecimalField(FloatField):
    """A number typed the way people type it here: "0,5" and "0，5" read as 0.5.

    The text typed is shown again as typed when the form comes back with an error."""

    def process_formdata(self, valuelist):
        if not valuelist:
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
