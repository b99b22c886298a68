"""The one error of the printed guide (排版错误)."""
from __future__ import annotations


class PdfError(Exception):
    """The guide could not be typeset; nothing was written."""
