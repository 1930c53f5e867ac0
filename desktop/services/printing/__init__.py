"""Printing: a case's forms, the steps' and outcomes' forms, the 台账 and 档案移交清单, and what they share."""
