"""What people read (issue 12): the nightly job, the published warehouse, the daily brief and the reports."""
