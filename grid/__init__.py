"""The open / closed LLM decision grid: the pure core.

Nothing in this package imports streamlit. The Streamlit pages and ``python -m grid`` are two thin
shells that render the same result objects.
"""

from grid.engine import score
from grid.errors import GridError, InvalidAnswers, InvalidData
from grid.questionnaire import load_questionnaire

__all__ = ["GridError", "InvalidAnswers", "InvalidData", "load_questionnaire", "score"]
