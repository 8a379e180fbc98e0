"""Reminders to the recipients of an issue who have not answered its survey: the
plan and its steps, the campaign each step becomes, what its editor and checklist
say, and how many answered after each."""
