"""The JSON parser of both APIs: DRF's, with Dutch messages and hardened against bodies nested
too deep.

DRF's JSONParser answers a body that is no JSON (or no UTF-8) with Python's English json or
codec error ("JSON parse error - Expecting value: line 1 column 1"); the KISS endpoints pass
that on unchanged, so the parser itself says it in Dutch, the one place for both APIs.
Python's json module raises RecursionError (not ValueError) for JSON nested deeper than the
recursion limit; DRF only turns ValueError into a 400, so such a body was a 500.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

PARSE_ERROR_DETAIL = "De body is geen geldige JSON."
TOO_DEEP_DETAIL = "De body is geen geldige JSON: te diep genest."


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP_DETAIL) from exc
        except ParseError as exc:
            raise ParseError(PARSE_ERROR_DETAIL) from exc
