"""Request fields that take JSON values as they are.

DRF's fields coerce (`"5"` → 5, `0` → False, `12` → "12"), so they accept input the OpenAPI schema refuses; a
client that sends the wrong type should hear about it (400 naming the field) rather than have it guessed.
"""

from rest_framework import serializers


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false` only."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer (`5`, or `5.0`, which JSON Schema counts as one); not a string or a boolean."""

    def to_internal_value(self, data):
        integral = isinstance(data, int) or (isinstance(data, float) and data.is_integer())
        if isinstance(data, bool) or not integral:
            self.fail("invalid")
        return super().to_internal_value(int(data))


class StrictCharField(serializers.CharField):
    """A JSON string; not a number."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
