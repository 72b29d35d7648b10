"""The Assess page: the guided flow, whose code lives in ``app_pages.flow``."""

from app_pages.flow import main

main()
