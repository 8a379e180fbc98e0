"""Answering: the survey question block in the mail with each recipient's signed
links, the answer pages (a GET shows, only the POST saves), reading and checking the
posted answers, the statements that write them, an issue's answers on its results
page, and a person's responses in her export and erasure."""
