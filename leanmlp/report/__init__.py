"""The report: tables, the comparisons with the paper, figures, the report template and the
comparison of two runs."""
