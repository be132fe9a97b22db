"""The JSON parser of both APIs: DRF's, hardened against bodies nested too deep.

Python's json module raises RecursionError (not ValueError) for JSON nested deeper than the
recursion limit; DRF's JSONParser only turns ValueError into a 400, so such a body was a 500.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

TOO_DEEP_DETAIL = "JSON parse error - de JSON is te diep genest."


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP_DETAIL) from exc
