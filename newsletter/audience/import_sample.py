"""The sample file offered on the import page: every column we read, in German, with
rows of the region's districts, and one column of the region's own."""

import csv
import io

from core.models import Region

HEADERS = [
    "E-Mail",
    "Vorname",
    "Nachname",
    "Organisation",
    "Organisationstyp",
    "Kreis",
    "Branche",
    "Größe",
    "Sprache",
    "Einwilligung",
    "Mitgliedsnummer",
]
ROWS = [
    ["anna.becker@example.org", "Anna", "Becker", "Becker Metallbau GmbH",
     "Unternehmen", "Metall", "10-49", "de", "Messe 2026, schriftlich", "M-1001"],
    ["j.ng@example.org", "Jun", "Ng", "Hochschule Beispielstadt",
     "Hochschule / Forschung", "Forschung", "250+", "en", "", "M-1002"],
    ["info@gruenderwerk.example", "", "", "Gründerwerk", "Start-up", "IT", "1-9",
     "de", "Webinar 03/2026", ""],
]  # fmt: skip


def sample_csv(region: Region) -> str:
    """The sample as CSV text (semicolons, as Excel in German saves it)."""
    districts = [d.name for d in region.districts] or [""]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for number, row in enumerate(ROWS):
        district = districts[number % len(districts)]
        writer.writerow([*row[:5], district, *row[5:]])
    return out.getvalue()
