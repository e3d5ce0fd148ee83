"""The budget appendix: charts with Chinese labels, appendix.xlsx and appendix.pdf."""
