"""The survey builder: managers set up a survey, its questions in German and English
and their options (topic, need or offer), autosaved as typed, and start its next
wave."""
