"""rescuewatch: document and analyse attacks on medical and rescue workers in armed conflict.

Every statement is a claim by a named source; incidents are built from claims, graded for
certainty and analysed for patterns. See the README for the command line and DESIGN.md for the
data model.
"""

__version__ = "0.1.0"
