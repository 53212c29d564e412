"""The report: one self-contained HTML file (map, charts, near-repeat table, repeat-strike
candidates, coverage, methods and credits) that works with no internet connection.

Entry point: :func:`rescuewatch.report.build.write_report`.
"""
