"""The Compare page: a team's assessments side by side; its code lives in ``app_pages.compare_ui``."""

from app_pages.compare_ui import main

main()
