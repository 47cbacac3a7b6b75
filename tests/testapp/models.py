"""Models of a minimal "host site" used only by the test suite.

Test-only page types that embed wagtail_clinic's blocks and pages belong here.
"""
