"""Performance reporting for the partnership: figures for a period, their tables and exports, and the board report.

`figures` aggregates in the database (a fixed number of queries); `tables` turns the figures into the
tables every output shares (page, CSV, XLSX, PDF); `board` renders the quarterly PDF.
"""

from requests_app.reporting.board import board_report_filename, board_report_pdf
from requests_app.reporting.figures import RESPONSE_STATUSES, RULES, Report, report_build
from requests_app.reporting.periods import Period, parse_quarter
from requests_app.reporting.tables import TABLE_NAMES, Table, chart_data, report_tables, report_xlsx, table_csv

__all__ = [
    "RESPONSE_STATUSES",
    "RULES",
    "TABLE_NAMES",
    "Period",
    "Report",
    "Table",
    "board_report_filename",
    "board_report_pdf",
    "chart_data",
    "parse_quarter",
    "report_build",
    "report_tables",
    "report_xlsx",
    "table_csv",
]
