"""newsdesk: turn piles and streams of news articles into a sourced record of stories, events and claims."""

from .desk import Desk, Summary
from .errors import NewsdeskError
from .model import Article, Claim, Entity, Paragraph, Skip, Span, Story

__all__ = ["Article", "Claim", "Desk", "Entity", "NewsdeskError", "Paragraph", "Skip", "Span", "Story", "Summary"]
__version__ = "0.1.0"
