"""Demo data for the portal and the back office: ``manage.py seed_demo``.

Builds companies in every state of every lifecycle, quickly enough for 100,000 companies:
the objects are built in memory and written with ``bulk_create``, a batch of companies per
transaction. The lifecycle services are bypassed on purpose (they lock, check and audit one
object at a time); instead this module writes the audit events those services would have
written, with plausible actors and times, so that every timeline reads as if the work had
been done through the application. Member numbers and application references are reserved
from :mod:`core.identifiers`, so numbers issued later by the services follow on.

Rules the data keeps: active memberships expire in the future and ``expires_on`` is
``certified_on`` plus four years (eight once renewed); a membership within 180 days of its
expiry has a revalidation in progress; open action plans are due in the future unless marked
overdue; every object's last audit event leads to its current state. The scheduler's first
sweep still has work, as it would on real data: it escalates overdue plans past their grace
period, asks for the yearly profile confirmations (the seed sets no ``confirmed_on``) and
announces recent lapses.

Files: every evidence row points to one shared sample PDF. The companies with full profiles
(``full_profiles``, the first ones) also get files of their own on answered information
requests (a PDF) and on the first measure of each answered action plan (a PNG), generated in
memory and stored through the storage API under each company's folder, as an upload is;
a 100,000-company seed therefore writes a few hundred files, not one per company.

Everything is fictional: ``.example`` e-mail domains (RFC 2606), 555-01xx telephone numbers.
Demo data only: the demo users share a published password.
"""

from __future__ import annotations

import datetime as dt
import operator
import random
import struct
import time
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone

from core.dates import MEMBERSHIP_YEARS, add_years, agency_today, agency_tz, membership_expiry
from core.identifiers import (
    application_reference_format,
    identifier_reserve,
    member_number_format,
)
from core.models import AuditEvent, Role, StoredFile, User
from core.roles import SYSTEM
from revalidation.models import RevalidationCycle
from traders.models import (
    Application,
    BusinessType,
    ChangeNotice,
    Company,
    CompanyCopy,
    CompanyUser,
    EvidenceFile,
    InformationAnswerFile,
    InformationRequest,
    Membership,
    ProfileAnswer,
    Programme,
    Requirement,
    SecurityProfile,
    Site,
    business_types_key,
)
from traders.selectors import catalogue_current
from traders.services import EVIDENCE_CONTENT_TYPES
from traders.signals import company_copies_sync, membership_copies_sync
from validations.models import (
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    Finding,
    Incident,
    SiteValidation,
)

# --- Word lists and texts ---------------------------------------------------------------
FIRST_NAMES_EN = (
    "James Emily Liam Olivia Noah Emma Ethan Ava Lucas Sophia Benjamin Chloe Daniel Hannah "
    "Matthew Grace Ryan Megan Andrew Sarah David Jessica Michael Laura Kevin Priya Raj Mei Wei "
    "Amir Fatima Carlos Ana Tariq Nadia Jasmine Connor Brooke Owen Harpreet Gurpreet Arjun Leah "
    "Tyler Kayla Jordan Morgan Dylan Rachel Aaron Natalie Simran Omar Layla"
).split()
FIRST_NAMES_FR = (
    "Jean Marie Louis Camille Gabriel Léa Félix Chloé Mathieu Émilie Philippe Isabelle Étienne "
    "Geneviève Olivier Julie Alexandre Catherine Simon Nathalie François Sophie Antoine Valérie "
    "Maxime Audrey Samuel Mélanie Vincent Annie Guillaume Josée Benoît Karine Sébastien Marianne"
).split()
LAST_NAMES_EN = (
    "Smith Brown Wilson MacDonald Taylor Campbell Anderson Johnson Thompson Martin Lee Wong Chen "
    "Singh Patel Nguyen Kim Fraser Stewart Robertson Murray Clarke Walker Young Hughes Kowalski "
    "Novak Schmidt Rossi Silva Ahmed Khan Gill Sandhu Dhillon Reid Morrison Grant Hall Bennett "
    "Sullivan Doyle Parsons Ferguson Hamilton Graham Kaur Lam Tran Yusuf"
).split()
LAST_NAMES_FR = (
    "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier "
    "Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier "
    "Dubé Poirier Fournier Lapointe Leclerc Lefebvre Thibault Desjardins Lachance Vachon Hébert"
).split()

PLACES_EN = tuple(
    "Northern|Great Lakes|Maple|Prairie|Pacific|Atlantic|Laurentian|Summit|Frontier|"
    "Cascade|Rideau|Trillium|Polar|Coastal|Evergreen|Granite|Red River|Fraser Valley|"
    "Niagara|Huron|Superior|Ottawa Valley|Kootenay|Chinook|Aurora|Keystone|Beacon|Harbour|"
    "Ironwood|Silver Birch|Lakeshore|Heritage|Pinnacle|Crown|Cedar|Highland|Bluewater|"
    "Capital|Eastern|Western|True North|Borealis|Northstar|Shield|Muskoka|Algonquin|"
    "Okanagan|Peace River|Fundy|Cabot|Glacier|Caribou|Falcon|Osprey|Gateway|Crossroads|"
    "Meridian|Compass|Horizon|Sterling".split("|")
)
PLACES_FR = tuple(
    "Boréal|Laurentides|Saint-Laurent|Beauce|Mauricie|Outaouais|Estrie|Gaspésie|Richelieu|"
    "Chaudière|Nordique|Horizon|du Fleuve|de l'Érable|Montérégie|du Lac|Rive-Sud|Champlain|"
    "Frontenac|Appalaches|Saguenay|des Cantons".split("|")
)
PLACES_US = tuple(
    "Liberty|Empire|Lone Star|Great Plains|Motor City|Buckeye|Keystone|Gateway|Patriot|"
    "Heartland|Midwest|Interstate|Mohawk|Hudson|Erie|Badger|Golden State|Pioneer|Red Oak|"
    "Eagle".split("|")
)

# Words that end a company's name, by its main business type.
CORES_EN = {
    "highway_carrier": (
        "Freight Lines",
        "Transport",
        "Trucking",
        "Carriers",
        "Haulage",
        "Express",
        "Freightways",
        "Transportation",
    ),
    "importer": ("Imports", "Trading", "Distribution", "Supply", "Wholesale", "Foods"),
    "exporter": ("Manufacturing", "Industries", "Products", "Agri-Foods", "Steel", "Lumber"),
    "customs_broker": ("Customs Brokers", "Customs Services", "Brokerage"),
    "freight_forwarder": ("Forwarding", "Global Logistics", "Cargo", "Logistics"),
    "warehouse_operator": ("Warehousing", "Distribution Centres", "Storage"),
    "rail_carrier": ("Railway", "Rail Services", "Short Line"),
    "marine_carrier": ("Marine", "Shipping Lines", "Navigation"),
    "air_carrier": ("Air Cargo", "Aviation", "Airfreight"),
    "shipping_agent": ("Shipping Agency", "Maritime Agencies"),
}
CORES_FR = {
    "highway_carrier": ("Transport", "Camionnage", "Transport routier", "Express"),
    "importer": ("Importations", "Distribution", "Aliments"),
    "exporter": ("Exportations", "Industries", "Produits", "Acier"),
    "customs_broker": ("Courtiers en douane", "Services douaniers"),
    "freight_forwarder": ("Logistique", "Transitaires", "Fret international"),
    "warehouse_operator": ("Entreposage", "Centre de distribution"),
    "rail_carrier": ("Chemin de fer", "Services ferroviaires"),
    "marine_carrier": ("Navigation", "Transport maritime"),
    "air_carrier": ("Fret aérien", "Aviation"),
    "shipping_agent": ("Agence maritime",),
}
SUFFIXES_CA = ("Inc.", "Ltd.", "Corp.", "Limited", "Inc.", "Ltd.")
SUFFIXES_QC = ("inc.", "ltée", "inc.", "S.E.N.C.")
SUFFIXES_US = ("Inc.", "LLC", "Corp.", "Co.")

# Main business type of a company, with weights: about 60% highway carriers (PIP had about
# 62% highway carriers in 2012).
BUSINESS_TYPE_WEIGHTS = (
    ("highway_carrier", 60),
    ("importer", 12),
    ("exporter", 6),
    ("customs_broker", 6),
    ("freight_forwarder", 5),
    ("warehouse_operator", 4),
    ("marine_carrier", 2.5),
    ("rail_carrier", 2),
    ("air_carrier", 1.5),
    ("shipping_agent", 1),
)
# A second business type that often goes with the first.
SECOND_TYPES = {
    "highway_carrier": ("warehouse_operator", "freight_forwarder"),
    "importer": ("exporter", "warehouse_operator"),
    "exporter": ("importer",),
    "customs_broker": ("freight_forwarder",),
    "freight_forwarder": ("customs_broker", "warehouse_operator"),
    "warehouse_operator": ("highway_carrier",),
    "marine_carrier": ("shipping_agent",),
    "rail_carrier": ("warehouse_operator",),
    "air_carrier": ("freight_forwarder",),
    "shipping_agent": ("freight_forwarder",),
}

# Province -> (weight, [(city, postal code prefix, area code)]).
CA_REGIONS: dict[str, tuple[float, tuple[tuple[str, str, str], ...]]] = {
    "ON": (
        40,
        (
            ("Toronto", "M1P", "416"),
            ("Mississauga", "L5T", "905"),
            ("Brampton", "L6T", "905"),
            ("Ottawa", "K1G", "613"),
            ("Windsor", "N8W", "519"),
            ("Hamilton", "L8E", "905"),
            ("London", "N6N", "519"),
            ("Sarnia", "N7T", "519"),
            ("Kingston", "K7K", "613"),
            ("Fort Erie", "L2A", "905"),
            ("Cambridge", "N1R", "519"),
            ("Milton", "L9T", "905"),
            ("Vaughan", "L4K", "905"),
            ("Thunder Bay", "P7B", "807"),
            ("Cornwall", "K6H", "613"),
        ),
    ),
    "QC": (
        20,
        (
            ("Montréal", "H4T", "514"),
            ("Laval", "H7L", "450"),
            ("Québec", "G1M", "418"),
            ("Lévis", "G6V", "418"),
            ("Sherbrooke", "J1L", "819"),
            ("Gatineau", "J8R", "819"),
            ("Boucherville", "J4B", "450"),
            ("Drummondville", "J2C", "819"),
            ("Saint-Hyacinthe", "J2S", "450"),
            ("Lacolle", "J0J", "450"),
            ("Trois-Rivières", "G8T", "819"),
        ),
    ),
    "BC": (
        13,
        (
            ("Vancouver", "V5L", "604"),
            ("Surrey", "V3S", "604"),
            ("Delta", "V4G", "604"),
            ("Richmond", "V6V", "604"),
            ("Abbotsford", "V2T", "604"),
            ("Langley", "V1M", "604"),
            ("Kelowna", "V1X", "250"),
            ("Prince George", "V2N", "250"),
        ),
    ),
    "AB": (
        12,
        (
            ("Calgary", "T2C", "403"),
            ("Edmonton", "T6E", "780"),
            ("Red Deer", "T4N", "403"),
            ("Lethbridge", "T1H", "403"),
            ("Nisku", "T9E", "780"),
            ("Grande Prairie", "T8V", "780"),
        ),
    ),
    "MB": (
        5,
        (
            ("Winnipeg", "R2R", "204"),
            ("Brandon", "R7A", "204"),
            ("Emerson", "R0A", "204"),
            ("Steinbach", "R5G", "204"),
        ),
    ),
    "SK": (3, (("Regina", "S4N", "306"), ("Saskatoon", "S7K", "306"), ("Estevan", "S4A", "306"))),
    "NS": (3, (("Halifax", "B3K", "902"), ("Dartmouth", "B3B", "902"), ("Truro", "B2N", "902"))),
    "NB": (
        2.5,
        (
            ("Moncton", "E1C", "506"),
            ("Saint John", "E2L", "506"),
            ("Woodstock", "E7M", "506"),
            ("Edmundston", "E3V", "506"),
        ),
    ),
    "NL": (1, (("St. John's", "A1E", "709"), ("Mount Pearl", "A1N", "709"))),
    "PE": (0.5, (("Charlottetown", "C1E", "902"),)),
}
US_REGIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "MI": (("Detroit", "48209", "313"), ("Port Huron", "48060", "810")),
    "NY": (
        ("Buffalo", "14206", "716"),
        ("Champlain", "12919", "518"),
        ("Rochester", "14624", "585"),
    ),
    "WA": (("Blaine", "98230", "360"), ("Seattle", "98108", "206"), ("Tacoma", "98421", "253")),
    "TX": (("Laredo", "78045", "956"), ("Dallas", "75247", "214")),
    "IL": (("Chicago", "60638", "773"), ("Joliet", "60436", "815")),
    "OH": (("Toledo", "43612", "419"), ("Columbus", "43228", "614")),
    "PA": (("Erie", "16509", "814"), ("Harrisburg", "17111", "717")),
    "MN": (("Duluth", "55808", "218"), ("Minneapolis", "55413", "612")),
    "VT": (("Burlington", "05401", "802"), ("Derby Line", "05830", "802")),
    "ND": (("Pembina", "58271", "701"), ("Fargo", "58102", "701")),
    "ME": (("Houlton", "04730", "207"),),
}
STREETS_EN = tuple(
    "Industrial Road|Commerce Crescent|Transport Drive|Logistics Way|Airport Road|"
    "Dock Street|Harbour Road|Trillium Drive|Maple Grove Road|Railside Road|"
    "Enterprise Boulevard|Distribution Court|Gateway Drive|Steeles Avenue West|"
    "Kennedy Road South".split("|")
)
STREETS_FR = tuple(
    "rue Industrielle|boulevard Industriel|chemin du Port|rue du Commerce|"
    "boulevard des Entreprises|rue de l'Aéroport|montée des Pionniers|rue du Transport".split("|")
)
STREETS_US = tuple(
    "Industrial Parkway|Commerce Drive|Freight Street|Terminal Road|Port Avenue|"
    "Warehouse Lane".split("|")
)

SITE_KINDS_BY_TYPE = {
    "highway_carrier": ("terminal", "warehouse"),
    "warehouse_operator": ("warehouse",),
    "exporter": ("plant", "warehouse"),
    "importer": ("warehouse",),
    "rail_carrier": ("terminal",),
    "marine_carrier": ("terminal",),
    "air_carrier": ("terminal",),
}
SITE_NAMES = {
    "office": "Head office",
    "warehouse": "Distribution warehouse",
    "terminal": "Yard and cross-dock terminal",
    "plant": "Manufacturing plant",
    "other": "Satellite office",
}

ANSWER_TEXTS = {
    "CS": (
        "Our security manager reviews this at least once a year; the procedure is in the "
        "corporate security manual, section {n}, approved by the president.",
        "Written policy signed by senior management; employees acknowledge it at hiring and "
        "at the yearly refresher.",
    ),
    "CC": (
        "Drivers inspect each conveyance with the 17-point checklist before loading; "
        "ISO 17712 high-security seals are logged by number and verified at each stop.",
        "Seals are kept in a locked cabinet; the dispatcher issues them and records each "
        "number in the seal log, reconciled weekly.",
    ),
    "PS": (
        "The yard is fenced, gates are locked after hours and the perimeter is lit and "
        "covered by cameras recorded for 30 days.",
        "Badge access on every external door; visitors sign the log and are escorted; keys "
        "are controlled by the facility manager.",
    ),
    "SP": (
        "New carriers and suppliers are screened (PIP/C-TPAT status, insurance, references) "
        "before the first shipment and every year after.",
        "Business partners sign our security requirements; those without PIP or C-TPAT "
        "status answer our questionnaire yearly.",
    ),
}

FINDING_NOTES = {
    "CS": (
        "The risk assessment was last reviewed more than a year ago.",
        "Two employees hired this year have no record of security training.",
        "The business continuity plan has not been tested.",
    ),
    "CC": (
        "The seal log is incomplete: two seals recorded without numbers.",
        "Conveyance inspections are not recorded for the night shift.",
        "Unused seals were found in an unlocked drawer at dispatch.",
    ),
    "PS": (
        "The fence is damaged near the east gate.",
        "Lighting in the trailer yard is insufficient after dark.",
        "The visitor log is not kept at the shipping office.",
        "Cameras do not cover the loading docks.",
    ),
    "SP": (
        "No record of screening for two of the five carriers added this year.",
        "Supplier security questionnaires are more than two years old.",
    ),
}
MEASURES = {
    "CS": (
        "Review the supply-chain risk assessment and send the signed update.",
        "Train the employees hired this year and send the attendance list.",
        "Test the business continuity plan and send the exercise report.",
    ),
    "CC": (
        "Record the number of every seal issued and reconcile the log weekly.",
        "Record conveyance inspections on every shift.",
        "Keep unused seals in a locked cabinet with controlled access.",
    ),
    "PS": (
        "Repair the perimeter fence and send pictures of the repair.",
        "Add lighting to the trailer yard and send the electrician's invoice.",
        "Keep a visitor log at every entrance.",
        "Extend camera coverage to the loading docks.",
    ),
    "SP": (
        "Screen every carrier added this year and send the completed screenings.",
        "Renew the security questionnaires of your suppliers.",
    ),
}
RECOMMENDATIONS = (
    "Consider a second, off-site copy of the camera recordings.",
    "Consider unannounced seal audits by a supervisor once a month.",
    "Share the security awareness training with your contracted drivers.",
    "Consider badge access on the interior door between the office and the warehouse.",
    "Review the key register every quarter.",
)

INFO_REQUESTS = (
    (
        "Please send the list of your drivers registered in FAST, with the expiry date of "
        "each card.",
        "The list is attached; two renewals are in progress.",
    ),
    (
        "Send your latest supply-chain risk assessment and the date it was last reviewed.",
        "Attached: the assessment reviewed by the security committee this spring.",
    ),
    (
        "Provide the corporate structure chart showing the parent company and every subsidiary.",
        "The chart is attached; the holding company has no customs activity.",
    ),
    (
        "Confirm the business number of each division listed as a site in scope.",
        "All sites operate under the same business number; the divisions are not separate "
        "legal entities.",
    ),
    (
        "Send your procedure for screening new business partners and one completed "
        "screening as an example.",
        "Procedure and an example screening attached.",
    ),
)
# The file the trader attached to each answer above (by the request's message); None where
# the answer says it all.
INFO_ANSWER_FILES: dict[str, str | None] = {
    INFO_REQUESTS[0][0]: "fast-drivers.pdf",
    INFO_REQUESTS[1][0]: "risk-assessment.pdf",
    INFO_REQUESTS[2][0]: "corporate-structure.pdf",
    INFO_REQUESTS[3][0]: None,
    INFO_REQUESTS[4][0]: "partner-screening.pdf",
}
INELIGIBLE_REASONS = (
    "The business number is not registered for import or export activities.",
    "The company's compliance record shows unpaid penalties under the Administrative "
    "Monetary Penalty System.",
    "The company has not carried on business in Canada long enough to show a compliance record.",
    "The business type is not eligible for the programme applied for.",
)
DENIAL_REASONS = (
    "The site validation found that access to the cargo areas is not controlled and that "
    "seals are not verified.",
    "Several minimum security requirements are not met (personnel screening, seal control); "
    "the company may apply again once they are in place.",
    "The security profile does not reflect the practices observed on site.",
)
WITHDRAWAL_NOTES = (
    "We will apply again after our move to the new terminal.",
    "Withdrawn: the company was sold.",
    "We are not ready; we will apply next year.",
    "",
)
SUSPENSION_REASONS = (
    "The action plan was not carried out by its deadline.",
    "Serious security breach under analysis.",
    "The member did not answer the information request within its deadline.",
)
CANCELLATION_REASONS = (
    "Repeated failure to meet the minimum security requirements.",
    "The member did not carry out the action plan after its suspension.",
    "False statements in the security profile.",
)
APPEAL_GROUNDS = (
    "The corrective measures were completed before the cancellation; evidence attached.",
    "The incident was caused by a subcontractor we had already stopped using.",
)
UPHOLD_REASONS = (
    "The evidence submitted does not show that the requirements are now met.",
    "The appeal brings no new fact.",
)
INCIDENTS = (
    (
        "A seal was found broken on arrival at the Ambassador Bridge; the cargo was "
        "inspected and nothing was missing.",
        "The driver left the trailer unattended at a truck stop.",
        "Drivers may stop only at approved, lit and guarded locations; seal check after "
        "every stop.",
    ),
    (
        "An unauthorized person was found in the trailer yard at night.",
        "The east gate was left unlocked after a late delivery.",
        "The last shift checks and logs every gate; an alarm is added on the east gate.",
    ),
    (
        "Narcotics were found concealed in a load of produce at the Lacolle crossing.",
        "The shipper's premises were used to conceal the drugs before loading.",
        "Screening of the shipper and inspection of every load at the shipper's dock.",
    ),
    (
        "A loaded trailer was stolen from the yard and recovered empty two days later.",
        "The kingpin lock was not used on the dropped trailer.",
        "Kingpin locks on every dropped trailer, and a camera on the drop lot.",
    ),
    (
        "A phishing e-mail led to a compromised dispatcher account used to change a "
        "delivery address.",
        "No multi-factor authentication on the dispatch system.",
        "Multi-factor authentication for every account, and yearly phishing training.",
    ),
)
MITIGATING = (
    "The company reported the incident within hours and cooperated fully.",
    "The employee involved had been trained; the procedure was not followed.",
    "",
)
CHANGE_NOTICES = {
    "structure": (
        "The company was acquired by a holding company; the management team is unchanged.",
        "Merger with a regional carrier; its two terminals join our operations.",
    ),
    "locations": (
        "We moved our warehouse to a new building in the same city.",
        "A new cross-dock terminal opens next month.",
    ),
    "practices": (
        "We now subcontract part of our long-haul runs to two partner carriers.",
        "We started importing food products (new line of business).",
    ),
    "security": (
        "A new camera system now covers the whole yard.",
        "We replaced our seal supplier; the new seals meet ISO 17712.",
    ),
    "contacts": (
        "Our security contact changed: the new security manager started this week.",
        "New main telephone number and e-mail address for the company.",
    ),
}
ACKNOWLEDGE_NOTES = (
    "Noted; no further action needed.",
    "Noted; to be checked at the next validation.",
    "",
)
CANCEL_VISIT_REASONS = (
    "The company asked to postpone: the site is closed for renovation.",
    "The officer is unavailable; a new date will be set.",
    "Weather: the crossing is closed.",
)
PLAN_RESPONSES = (
    "All measures are done; pictures and documents attached.",
    "The fence was repaired and the seal log is now reconciled every week.",
    "Training completed on the date shown in the attached list.",
)
PLAN_RETURN_NOTES = (
    "The pictures do not show the repaired section; send new ones.",
    "The training list is missing the night-shift employees.",
)
PLAN_ACCEPT_NOTES = (
    "Measures verified; the plan is closed.",
    "Evidence reviewed and accepted.",
    "",
)


# --- The seeder -------------------------------------------------------------------------

DEMO_PASSWORD = "demo-pass-2026"
DEMO_TRADER = "trader@demo.test"
# (e-mail, role, full name, what to try with it)
DEMO_USERS = (
    (
        DEMO_TRADER,
        Role.TRADER,
        "Alex Martin",
        "signing authority of Northbound Freight Lines (PIP member; draft CSA application)",
    ),
    ("officer@demo.test", Role.OFFICER, "Olivia Chen", "officer: applications, visits, plans"),
    ("manager@demo.test", Role.MANAGER, "Marc Gagnon", "manager: decisions and dashboard"),
    ("admin@demo.test", Role.ADMINISTRATOR, "Ada Lavoie", "administrator (superuser)"),
    ("partner@demo.test", Role.PARTNER, "U.S. CBP verification", "partner administration"),
)
EXTRA_OFFICERS = (
    "Priya Sandhu",
    "Étienne Bouchard",
    "Daniel Kowalski",
    "Geneviève Roy",
    "Omar Yusuf",
    "Hannah Fraser",
    "Mathieu Côté",
    "Grace Lam",
)
DEMO_COMPANY = {
    "legal_name": "Northbound Freight Lines Inc.",
    "operating_name": "Northbound Freight",
    "country": "CA",
    "province": "ON",
    "city": "Mississauga",
    "street_address": "6750 Transport Drive",
    "postal_code": "L5T 2V4",
    "phone": "905-555-0142",
    "contact_email": "info@northboundfreight.example",
}

# The scheduler opens a membership's revalidation this many days before its expiry (the
# revalidation app's first reminder); seeded cycles follow the same rule.
REVALIDATION_OPENS_DAYS_BEFORE = 180
INSERT_CHUNK = 1000
SAMPLE_EVIDENCE_NAME = "evidence/demo/sample-evidence.pdf"
SAMPLE_EVIDENCE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 61>>stream\nBT /F1 18 Tf 72 720 Td (Demo evidence - Trusted Trader) Tj ET\n"
    b"endstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

PHOTO_COLOURS = ((96, 125, 139), (121, 85, 72), (56, 142, 60), (25, 118, 210))


def _demo_pdf(line: str) -> bytes:
    """A one-page PDF showing ``line``, built in memory."""
    text = line.encode("latin-1", "replace").translate(None, b"()\\")
    stream = b"BT /F1 16 Tf 72 720 Td (" + text + b") Tj ET"
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        + b"4 0 obj<</Length %d>>stream\n" % len(stream)
        + stream
        + b"\nendstream endobj\n"
        b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _demo_png(rgb: tuple[int, int, int], side: int = 32) -> bytes:
    """A square PNG of one colour, built in memory (a stand-in for a photo)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + bytes(rgb) * side for _row in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


A = Application.State
M = Membership.State
V = SiteValidation.State
P = ActionPlan.State
R = RevalidationCycle.State

# The application states of the first companies, in order, so that a small data set (40
# companies) has every state; later companies are drawn with the weights below.
PIPELINE_FIRST = (
    A.CERTIFIED,
    A.DRAFT,
    A.CERTIFIED,
    A.SUBMITTED,
    A.CERTIFIED,
    A.UNDER_REVIEW,
    A.CERTIFIED,
    A.INFO_REQUESTED,
    A.CERTIFIED,
    A.ELIGIBLE,
    A.CERTIFIED,
    A.INELIGIBLE,
    A.CERTIFIED,
    A.VALIDATION_SCHEDULED,
    A.CERTIFIED,
    A.VALIDATED,
    A.CERTIFIED,
    A.DENIED,
    A.CERTIFIED,
    A.WITHDRAWN,
    A.CERTIFIED,
    A.VALIDATION_SCHEDULED,
    A.CERTIFIED,
    A.ELIGIBLE,
)
PIPELINE_WEIGHTS = {
    A.CERTIFIED: 62,
    A.DRAFT: 5,
    A.SUBMITTED: 3,
    A.UNDER_REVIEW: 4,
    A.INFO_REQUESTED: 2,
    A.ELIGIBLE: 3,
    A.INELIGIBLE: 4,
    A.VALIDATION_SCHEDULED: 4,
    A.VALIDATED: 2,
    A.DENIED: 4,
    A.WITHDRAWN: 7,
}
# Membership stories: (story, days to expiry or None for a random date, revalidation state).
MEMBER_FIRST = (
    ("active", 20, R.VALIDATION_SCHEDULED),
    ("active", 50, R.PROFILE_SUBMITTED),
    ("active", 85, R.OPEN),
    ("suspended", None, None),
    ("renewed", None, R.COMPLETED),
    ("lapsed", None, R.LAPSED),
    ("cancelled", None, None),
    ("appealed", None, None),
    ("upheld", None, None),
    ("active", 160, R.OPEN),
    ("active", None, None),
    ("active", None, None),
)
MEMBER_STORY_STATES = {
    "active": M.ACTIVE,
    "renewed": M.ACTIVE,
    "suspended": M.SUSPENDED,
    "lapsed": M.LAPSED,
    "cancelled": M.CANCELLED,
    "appealed": M.APPEALED,
    "upheld": M.UPHELD,
}
MEMBER_WEIGHTS = {
    "active": 84,
    "renewed": 6,
    "suspended": 2,
    "lapsed": 3,
    "cancelled": 2.5,
    "appealed": 0.5,
    "upheld": 2,
}
# Monitoring of current members: first members in order, then at random with a probability.
PLAN_FIRST = (P.ISSUED, P.RESPONDED, P.ACCEPTED, P.RETURNED, P.OVERDUE, P.ESCALATED)
PLAN_RANDOM = (
    0.08,
    {P.ISSUED: 25, P.RESPONDED: 15, P.ACCEPTED: 35, P.RETURNED: 8, P.OVERDUE: 10, P.ESCALATED: 7},
)
SPOT_FIRST = ("scheduled", "in_progress", "completed", "cancelled")
SPOT_RANDOM = (0.05, {"scheduled": 30, "in_progress": 3, "completed": 52, "cancelled": 15})
INCIDENT_FIRST = (
    Incident.State.REPORTED,
    Incident.State.UNDER_ANALYSIS,
    Incident.State.CONCLUDED,
)
INCIDENT_RANDOM = (0.02, {"reported": 20, "under_analysis": 20, "concluded": 60})
NOTICE_FIRST = ("submitted", "acknowledged", "follow_up_spot_check", "follow_up_revalidation")
NOTICE_RANDOM = (
    0.10,
    {
        "submitted": 15,
        "acknowledged": 75,
        "follow_up_spot_check": 6,
        "follow_up_revalidation": 4,
    },
)

_TIMESTAMPED = (
    User,
    Company,
    CompanyUser,
    Site,
    SecurityProfile,
    ProfileAnswer,
    EvidenceFile,
    Application,
    InformationRequest,
    InformationAnswerFile,
    Membership,
    ChangeNotice,
    Incident,
    SiteValidation,
    Finding,
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    RevalidationCycle,
)
_AUDIT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_role",
    "content_type_id",
    "object_id",
    "object_repr",
    "company_id",
    "action",
    "from_state",
    "to_state",
    "note",
    "company_business_types",
    "company_country",
    "company_province",
)
# Insert order: a model after every model it points to.
_INSERT_ORDER = (
    User,
    Company,
    CompanyUser,
    Site,
    SecurityProfile,
    ProfileAnswer,
    EvidenceFile,
    Application,
    InformationRequest,
    InformationAnswerFile,
    Membership,
    ChangeNotice,
    Incident,
    SiteValidation,
    Finding,
    ActionPlan,
    ActionPlanItem,
    ActionPlanItemEvidence,
    RevalidationCycle,
)


@dataclass
class SeedReport:
    companies: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    created_demo_users: bool = False


@dataclass
class _Co:
    """What the builders need to know about the company being built."""

    company: Company
    signer: User
    users: list[User]
    sites: list[Site]
    officer: User
    full: bool
    lang: str
    created_at: dt.datetime | None = None
    answers: list[ProfileAnswer] = field(default_factory=list)


class _Batch:
    def __init__(self) -> None:
        # Each model's objects, of that model (a map that mypy cannot type by its key).
        self.rows: dict[type[models.Model], list[Any]] = defaultdict(list)
        # (through model, left attname, right attname, left obj, right obj)
        self.links: list[tuple[Any, str, str, models.Model, models.Model]] = []
        # (obj, company, when, actor, action, from, to, note)
        self.events: list[tuple[Any, ...]] = []
        # Files to store, as an upload would be, once their row's company has its id.
        self.uploads: list[tuple[StoredFile, str, bytes]] = []

    def add(self, obj: models.Model) -> Any:
        self.rows[type(obj)].append(obj)
        return obj


def demo_is_seeded() -> bool:
    """True once every demo user exists (then ``seed_demo --skip-if-seeded`` does nothing)."""
    emails = [email for email, *_rest in DEMO_USERS]
    return User.objects.filter(email__in=emails).count() == len(emails)


def demo_credentials() -> list[tuple[str, str, str, str]]:
    """(e-mail, password, role, what to try) of each demo user, for the command's table."""
    return [
        (email, DEMO_PASSWORD, str(role.label), note) for email, role, _name, note in DEMO_USERS
    ] + [
        (
            f"officer1..{len(EXTRA_OFFICERS)}@demo.test",
            DEMO_PASSWORD,
            str(Role.OFFICER.label),
            "more officers, so workloads spread",
        )
    ]


def demo_seed(
    *,
    companies: int,
    seed: int = 2026,
    batch_size: int = 2000,
    full_profiles: int = 1000,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Create the demo users (if missing) and ``companies`` more companies; see the command's
    help for what is built. Each batch of companies is written in one transaction."""
    return _Seeder(
        seed=seed, batch_size=max(1, batch_size), full_profiles=full_profiles, progress=progress
    ).run(companies=companies)


@contextmanager
def _timestamps_as_given() -> Iterator[None]:
    """Let bulk_create keep the created/updated times the seeder sets (a 2023 application
    was created in 2023), instead of auto_now(_add) stamping them all with today."""
    saved: list[tuple[models.DateField[Any, Any] | models.TimeField[Any, Any], bool, bool]] = []
    for model in _TIMESTAMPED:
        for f in model._meta.concrete_fields:
            # auto_now(_add) are the date, date-time and time fields' own options.
            if not isinstance(f, models.DateField | models.TimeField):
                continue
            if f.auto_now or f.auto_now_add:
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _column(f: models.Field[Any, Any]) -> str:
    """A concrete field's column (only fields that are not concrete have none)."""
    assert f.column is not None, f"{f} has no column"
    return f.column


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


class _Seeder:
    def __init__(
        self,
        *,
        seed: int,
        batch_size: int,
        full_profiles: int,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.full_profiles = full_profiles
        self.say = progress or (lambda _msg: None)
        self.tz = agency_tz()
        self.now = timezone.now()
        self.today = agency_today()
        self.counters: dict[str, int] = defaultdict(int)
        self.report = SeedReport()
        self.use_copy = connection.vendor == "postgresql"

    # --- set-up -------------------------------------------------------------------------

    def run(self, *, companies: int) -> SeedReport:
        started = time.monotonic()
        self.catalogue = catalogue_current(programme=Programme.PIP)
        self.requirements = list(
            Requirement.objects.filter(area__catalogue=self.catalogue)
            .select_related("area")
            .order_by("area__order", "order")
        )
        self.req_by_area: dict[str, list[Requirement]] = defaultdict(list)
        for req in self.requirements:
            self.req_by_area[req.area.code].append(req)
        self.business_types = {bt.code: bt for bt in BusinessType.objects.all()}
        self.content_types = {
            model: ContentType.objects.get_for_model(model).pk
            for model in (
                Company,
                Application,
                Membership,
                SiteValidation,
                ActionPlan,
                Incident,
                ChangeNotice,
                RevalidationCycle,
            )
        }
        self.password = make_password(DEMO_PASSWORD)
        self.used_numbers = {
            bn[:9] for bn in Company.objects.values_list("business_number", flat=True)
        }
        self.used_emails = set(User.objects.values_list("email", flat=True))
        self._prepare_weights()
        if not default_storage.exists(SAMPLE_EVIDENCE_NAME):
            default_storage.save(SAMPLE_EVIDENCE_NAME, ContentFile(SAMPLE_EVIDENCE))

        done = 0
        first = True
        with _timestamps_as_given():
            while first or done < companies:
                size = min(self.batch_size, companies - done)
                with transaction.atomic():
                    self.batch = _Batch()
                    demo_company = False
                    if first:
                        demo_company = self._staff_and_demo_users() and size > 0
                    for i in range(size):
                        self._company(done + i, demo=demo_company and i == 0)
                    rows = self._flush()
                done += size
                first = False
                self.say(
                    f"  {done:,}/{companies:,} companies, {rows:,} rows in this batch, "
                    f"{time.monotonic() - started:.1f} s"
                )
        self.report.companies = done
        self.report.seconds = time.monotonic() - started
        return self.report

    def _prepare_weights(self) -> None:
        def cum(weights: Any) -> tuple[list[Any], list[float]]:
            items = list(weights.items()) if isinstance(weights, dict) else list(weights)
            keys = [k for k, _w in items]
            total = 0.0
            acc = []
            for _k, w in items:
                total += w
                acc.append(total)
            return keys, acc

        self.w_pipeline = cum(PIPELINE_WEIGHTS)
        self.w_member = cum(MEMBER_WEIGHTS)
        self.w_types = cum(BUSINESS_TYPE_WEIGHTS)
        self.w_regions = cum({code: w for code, (w, _c) in CA_REGIONS.items()})
        self.w_plan = cum(PLAN_RANDOM[1])
        self.w_spot = cum(SPOT_RANDOM[1])
        self.w_incident = cum(INCIDENT_RANDOM[1])
        self.w_notice = cum(NOTICE_RANDOM[1])
        self.w_impl = cum(
            {
                ProfileAnswer.Implementation.IMPLEMENTED: 86,
                ProfileAnswer.Implementation.PARTIAL: 7,
                ProfileAnswer.Implementation.PLANNED: 3,
                ProfileAnswer.Implementation.NOT_APPLICABLE: 4,
            }
        )

    def _pick(self, weights: tuple[list[Any], list[float]]) -> Any:
        keys, acc = weights
        return self.rng.choices(keys, cum_weights=acc)[0]

    def _next(self, name: str, first: Sequence[Any], weights: Any) -> Any:
        """The next scenario of kind ``name``: the first ones in order (so that every state
        appears even in a small data set), then drawn at random with the weights."""
        i = self.counters[name]
        self.counters[name] += 1
        return first[i] if i < len(first) else self._pick(weights)

    def _maybe(
        self,
        name: str,
        first: Sequence[Any],
        random_spec: Any,
        weights: Any,
        allowed: Callable[[Any], bool] = lambda _scenario: True,
    ) -> Any:
        """Like :meth:`_next` for things only some members have: None when none is drawn
        (or when the next first scenario does not fit this member: it waits for the next)."""
        i = self.counters[name]
        if i < len(first):
            if not allowed(first[i]):
                return None
            self.counters[name] += 1
            return first[i]
        if self.rng.random() < random_spec[0]:
            scenario = self._pick(weights)
            return scenario if allowed(scenario) else None
        return None

    def _staff_and_demo_users(self) -> bool:
        """Create the missing demo users; True when the demo trader still needs a company."""
        existing = {u.email: u for u in User.objects.filter(email__endswith="@demo.test")}
        staff_specs = [(email, role, name) for email, role, name, _n in DEMO_USERS]
        staff_specs += [
            (f"officer{i}@demo.test", Role.OFFICER, name)
            for i, name in enumerate(EXTRA_OFFICERS, start=1)
        ]
        created = []
        for email, role, name in staff_specs:
            if email in existing:
                continue
            user = User(
                email=email,
                full_name=name,
                role=role,
                is_staff=role in (Role.OFFICER, Role.MANAGER, Role.ADMINISTRATOR),
                is_superuser=role == Role.ADMINISTRATOR,
                password=self.password,
                date_joined=self.now - dt.timedelta(days=4 * 365 + 200),
                preferred_language="fr" if name in ("Étienne Bouchard", "Geneviève Roy") else "en",
            )
            created.append(user)
            existing[email] = user
        if created:
            User.objects.bulk_create(created)
            self._count(User, len(created))
            self.used_emails.update(u.email for u in created)
            self.report.created_demo_users = True
        self.officers = [existing["officer@demo.test"]] + [
            existing[f"officer{i}@demo.test"] for i in range(1, len(EXTRA_OFFICERS) + 1)
        ]
        self.manager = existing["manager@demo.test"]
        self.demo_trader = existing[DEMO_TRADER]
        return not CompanyUser.objects.filter(user=self.demo_trader).exists()

    # --- small helpers ------------------------------------------------------------------

    def _count(self, model: type[models.Model], n: int) -> None:
        label = model._meta.label
        self.report.rows[label] = self.report.rows.get(label, 0) + n

    def _at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        """A moment of ``day`` in office hours (agency time), never in the future."""
        rng = self.rng
        when = dt.datetime.combine(
            day,
            dt.time(rng.randint(8, 16) if hour is None else hour, rng.randint(0, 59)),
            tzinfo=self.tz,
        )
        latest = self.now - dt.timedelta(minutes=5)
        return when if when <= latest else latest - dt.timedelta(minutes=rng.randint(0, 120))

    def _timeline(self, end: dt.date, gaps: Sequence[tuple[int, int]]) -> list[dt.datetime]:
        """Moments of ``len(gaps) + 1`` events, the last on ``end``, each ``gaps[i]`` days
        (a random number in the range) after the one before; strictly increasing and never
        in the future."""
        rng = self.rng
        days = [end]
        for lo, hi in reversed(gaps):
            days.append(days[-1] - dt.timedelta(days=rng.randint(lo, hi)))
        days.reverse()
        times: list[dt.datetime] = []
        for day in days:
            when = dt.datetime.combine(
                day, dt.time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=self.tz
            )
            if times and when <= times[-1]:
                when = times[-1] + dt.timedelta(minutes=rng.randint(5, 90))
            times.append(when)
        overshoot = times[-1] - (self.now - dt.timedelta(minutes=5))
        if overshoot > dt.timedelta(0):
            times = [t - overshoot for t in times]
        return times

    def _local(self, when: dt.datetime) -> dt.date:
        return when.astimezone(self.tz).date()

    def _event(
        self,
        obj: models.Model,
        co: _Co,
        when: dt.datetime,
        actor: User | None,
        action: str,
        from_state: str = "",
        to_state: str = "",
        note: str = "",
    ) -> None:
        self.batch.events.append((obj, co.company, when, actor, action, from_state, to_state, note))

    def _stamp(self, obj: Any, created: dt.datetime, updated: dt.datetime | None = None) -> Any:
        obj.created_at = created
        obj.updated_at = updated or created
        return self.batch.add(obj)

    def _upload(self, obj: StoredFile, name: str, content: bytes) -> None:
        """A file attached as the services attach one: the uploader's name and the content
        type kept in the row, the content stored (at flush, once the company has its id)
        under a random name in the company's folder."""
        ext = name.rsplit(".", 1)[-1]
        obj.original_name = name
        obj.content_type = EVIDENCE_CONTENT_TYPES[ext]
        obj.size = len(content)
        self.batch.add(obj)
        self.batch.uploads.append((obj, name, content))

    def _officer(self) -> User:
        i = self.counters["officer"]
        self.counters["officer"] += 1
        return self.officers[i % len(self.officers)]

    def _other_officer(self, officer: User) -> User:
        others = [o for o in self.officers if o.pk != officer.pk]
        return self.rng.choice(others)

    def _business_number(self) -> str:
        rng = self.rng
        while True:
            digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
            # The ninth digit is a Luhn check digit, as in a real business number.
            total = 0
            for i, d in enumerate(reversed(digits)):
                if i % 2 == 0:
                    d *= 2
                    if d > 9:
                        d -= 9
                total += d
            digits.append((10 - total % 10) % 10)
            number = "".join(map(str, digits))
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def _email(self, first: str, last: str, domain: str) -> str:
        base = f"{_ascii(first)}.{_ascii(last)}"
        email = f"{base}@{domain}"
        n = 2
        while email in self.used_emails:
            email = f"{base}{n}@{domain}"
            n += 1
        self.used_emails.add(email)
        return email

    # --- companies ----------------------------------------------------------------------

    def _company(self, n: int, *, demo: bool) -> None:
        rng = self.rng
        b = self.batch
        if demo:
            company = Company(business_number=self._business_number() + "RM0001", **DEMO_COMPANY)
            types = ["highway_carrier", "importer"]
            lang = "en"
            region_cities = CA_REGIONS["ON"][1]
        else:
            company, types, lang, region_cities = self._company_identity()
        company.mra_sharing_consent = rng.random() < 0.55
        b.add(company)
        link_model = Company.business_types.through
        for code in types:
            b.links.append(
                (link_model, "company_id", "businesstype_id", company, self.business_types[code])
            )

        domain = "northboundfreight.example" if demo else company.contact_email.split("@", 1)[1]
        users: list[User] = []
        n_users = 1 + (rng.random() < 0.6) + (rng.random() < 0.25)
        for j in range(n_users):
            if demo and j == 0:
                user = self.demo_trader
            else:
                fr = lang == "fr"
                first = rng.choice(FIRST_NAMES_FR if fr else FIRST_NAMES_EN)
                last = rng.choice(LAST_NAMES_FR if fr else LAST_NAMES_EN)
                user = User(
                    email=self._email(first, last, domain),
                    full_name=f"{first} {last}",
                    role=Role.TRADER,
                    preferred_language=lang,
                    # Only the demo users sign in; the others have no usable password.
                    password=f"!{rng.getrandbits(128):032x}",
                )
                b.add(user)
            users.append(user)

        sites = []
        main_type = types[0]
        n_sites = 1 + (rng.random() < 0.5) + (rng.random() < 0.2)
        for j in range(n_sites):
            if j == 0:
                kind = "office"
                city, street, postal = company.city, company.street_address, company.postal_code
            else:
                kind = rng.choice(SITE_KINDS_BY_TYPE.get(main_type, ("warehouse", "other")))
                city, prefix, _area = rng.choice(region_cities)
                street = self._street(company.country, lang)
                postal = self._postal(company.country, prefix)
            sites.append(
                b.add(
                    Site(
                        company=company,
                        name=SITE_NAMES[kind] if j < 2 else f"{SITE_NAMES[kind]} ({city})",
                        kind=kind,
                        street_address=street,
                        city=city,
                        province=company.province,
                        country=company.country,
                        postal_code=postal,
                    )
                )
            )

        co = _Co(
            company=company,
            signer=users[0],
            users=users,
            sites=sites,
            officer=self.officers[0] if demo else self._officer(),
            full=n < self.full_profiles,
            lang=lang,
        )
        for link in users:
            b.add(
                CompanyUser(
                    company=company,
                    user=link,
                    company_role=CompanyUser.CompanyRole.SIGNING_AUTHORITY
                    if link is users[0]
                    else CompanyUser.CompanyRole.CONTRIBUTOR,
                )
            )

        if demo:
            self._demo_company(co)
        else:
            state = self._next("pipeline", PIPELINE_FIRST, self.w_pipeline)
            if state == A.CERTIFIED:
                self._member(co)
            else:
                self._application(co, state)

        # Everything about the company starts when it registered.
        created = co.created_at or self.now
        company.created_at = company.updated_at = created
        for obj in [*sites]:
            obj.created_at = obj.updated_at = created
        for obj in b.rows[CompanyUser][-len(users) :]:
            obj.created_at = obj.updated_at = created
        for user in users:
            if user.pk is None:
                user.date_joined = created + dt.timedelta(minutes=rng.randint(0, 3000))
                if user.date_joined > self.now:
                    user.date_joined = created
        self._event(company, co, created, co.signer, "company_created")

    def _company_identity(self) -> tuple[Company, list[str], str, Any]:
        rng = self.rng
        us = rng.random() < 0.08
        main_type = self._pick(self.w_types)
        types = [main_type]
        if rng.random() < 0.25:
            types.append(rng.choice(SECOND_TYPES[main_type]))
        if us:
            state = rng.choice(list(US_REGIONS))
            cities = US_REGIONS[state]
            lang = "en"
        else:
            state = self._pick(self.w_regions)
            cities = CA_REGIONS[state][1]
            lang = "fr" if state == "QC" and rng.random() < 0.85 else "en"
            if state == "NB" and rng.random() < 0.3:
                lang = "fr"
        city, prefix, area = rng.choice(cities)

        if lang == "fr":
            core = rng.choice(CORES_FR[main_type])
            if rng.random() < 0.6:
                stem = f"{core} {rng.choice(PLACES_FR)}"
            else:
                stem = f"{core} {rng.choice(LAST_NAMES_FR)}"
            suffix = rng.choice(SUFFIXES_QC)
        else:
            core = rng.choice(CORES_EN[main_type])
            roll = rng.random()
            if roll < 0.6:
                stem = f"{rng.choice(PLACES_US if us else PLACES_EN)} {core}"
            elif roll < 0.9:
                stem = f"{rng.choice(LAST_NAMES_EN)} {core}"
            else:
                stem = f"{rng.choice(LAST_NAMES_EN)} & {rng.choice(LAST_NAMES_EN)} {core}"
            suffix = rng.choice(SUFFIXES_US if us else SUFFIXES_CA)
        legal = f"{stem} {suffix}"
        roll = rng.random()
        if roll < 0.65:
            operating = stem
        elif roll < 0.85:
            initials = "".join(w[0] for w in stem.replace("&", "").split() if w[0].isalpha())
            operating = f"{initials.upper()} {rng.choice(('Express', 'Logistics', 'Group'))}"
        else:
            operating = ""
        domain = _ascii(operating or stem)[:40] + ".example"
        company = Company(
            legal_name=legal,
            operating_name=operating,
            business_number=self._business_number() + "RM0001",
            country="US" if us else "CA",
            province=state,
            city=city,
            street_address=self._street("US" if us else "CA", lang),
            postal_code=self._postal("US" if us else "CA", prefix),
            phone=f"{area}-555-01{rng.randint(0, 99):02d}",
            contact_email=f"info@{domain}",
        )
        return company, types, lang, cities

    def _street(self, country: str, lang: str) -> str:
        rng = self.rng
        number = rng.randint(10, 9990)
        if country == "US":
            return f"{number} {rng.choice(STREETS_US)}"
        if lang == "fr":
            return f"{number}, {rng.choice(STREETS_FR)}"
        return f"{number} {rng.choice(STREETS_EN)}"

    def _postal(self, country: str, prefix: str) -> str:
        if country == "US":
            return prefix
        rng = self.rng
        letters = "ABCEGHJKLMNPRSTVWXYZ"
        return f"{prefix} {rng.randint(0, 9)}{rng.choice(letters)}{rng.randint(0, 9)}"

    def _demo_company(self, co: _Co) -> None:
        """The demo trader's company: an active PIP member with a CSA application in draft,
        and the first of every monitoring scenario (a plan to answer, a visit coming...)."""
        certified_on = add_years(self.today, -2) - dt.timedelta(days=37)
        self._member(co, story=("active", None, None), certified_on=certified_on, programme="PIP")
        created = self._timeline(self.today - dt.timedelta(days=6), [])[0]
        self._draft_application(co, created, programme=Application.ProgrammeChoice.CSA)

    # --- applications -------------------------------------------------------------------

    def _profile(self, co: _Co, created: dt.datetime, submitted: dt.datetime | None) -> Any:
        profile = self._stamp(
            SecurityProfile(company=co.company, catalogue=self.catalogue, submitted_at=submitted),
            created,
            submitted,
        )
        if co.full:
            share = 1.0 if submitted else self.rng.uniform(0.3, 0.9)
            answers = self._answers(co, profile, created, submitted or created, share)
            if submitted:
                co.answers = answers
        return profile

    def _answers(
        self,
        co: _Co,
        profile: SecurityProfile,
        start: dt.datetime,
        end: dt.datetime,
        share: float,
        copy_from: list[ProfileAnswer | None] | None = None,
    ) -> list[ProfileAnswer]:
        rng = self.rng
        NA = ProfileAnswer.Implementation.NOT_APPLICABLE
        span = max((end - start).total_seconds(), 60.0)
        answers = []
        sources = copy_from if copy_from is not None else [None] * len(self.requirements)
        for req, source in zip(self.requirements, sources, strict=True):
            if copy_from is not None and source is None:
                continue
            if share < 1.0 and rng.random() > share:
                continue
            if source is not None:
                impl, text = source.implementation, source.description
            else:
                impl = self._pick(self.w_impl)
                if impl == NA and req.is_mandatory:
                    impl = ProfileAnswer.Implementation.IMPLEMENTED
                text = (
                    ""
                    if impl == NA
                    else rng.choice(ANSWER_TEXTS[req.area.code]).format(n=req.order)
                )
            when = start + dt.timedelta(seconds=rng.uniform(0, span))
            author = rng.choice(co.users)
            answer = self._stamp(
                ProfileAnswer(
                    profile=profile,
                    requirement=req,
                    implementation=impl,
                    description=text,
                    updated_by=author,
                ),
                when,
            )
            answers.append(answer)
            if req.evidence_required and impl != NA:
                self.batch.add(
                    EvidenceFile(
                        answer=answer,
                        file=SAMPLE_EVIDENCE_NAME,
                        original_name=f"{req.code.lower()}-{_ascii(req.area.name_en)[:20]}.pdf",
                        content_type="application/pdf",
                        size=len(SAMPLE_EVIDENCE),
                        uploaded_by=author,
                        uploaded_at=when,
                    )
                )
        return answers

    def _draft_application(self, co: _Co, created: dt.datetime, *, programme: str) -> Application:
        profile = self._profile(co, created, None)
        app = self._stamp(
            Application(
                company=co.company,
                programme=programme,
                profile=profile,
                state=A.DRAFT,
                state_changed_at=created,
                created_by=co.signer,
            ),
            created,
        )
        self._app_sites(app, co)
        self._event(app, co, created, co.signer, "create", "", A.DRAFT)
        co.created_at = min(co.created_at or created, created - dt.timedelta(days=2))
        return app

    def _app_sites(self, app: Application, co: _Co) -> None:
        link_model = Application.sites.through
        for site in co.sites:
            self.batch.links.append((link_model, "application_id", "site_id", app, site))

    def _programme(self, co: _Co) -> str:
        roll = self.rng.random()
        if roll < 0.78:
            return Application.ProgrammeChoice.PIP
        if roll < 0.9:
            return Application.ProgrammeChoice.BOTH
        return Application.ProgrammeChoice.CSA

    def _application(
        self,
        co: _Co,
        state: str,
        *,
        certified_at: dt.datetime | None = None,
        programme: str | None = None,
    ) -> Application:
        """An application in ``state`` with the history that led there. A certified one
        ends at ``certified_at``; one still in progress has its last step in the last weeks."""
        rng = self.rng
        today = self.today
        programme = programme or self._programme(co)
        if state == A.DRAFT:
            created = self._at(today - dt.timedelta(days=rng.randint(0, 40)))
            return self._draft_application(co, created, programme=programme)

        # The steps, each with the range of days since the step before.
        steps: list[tuple[str, tuple[int, int]]] = [("create", (0, 0))]
        withdraw_after = None
        if state == A.WITHDRAWN:
            withdraw_after = rng.choice(("create", "submit", "start_review"))
        steps.append(("submit", (5, 45)))
        if state != A.SUBMITTED and withdraw_after != "submit":
            steps.append(("start_review", (1, 12)))
        past_review = state not in (A.SUBMITTED, A.UNDER_REVIEW, A.WITHDRAWN)
        if state == A.INFO_REQUESTED:
            steps.append(("request_info", (2, 15)))
        elif past_review and rng.random() < 0.3:
            steps += [("request_info", (2, 15)), ("answer_info", (3, 25))]
        if state == A.INELIGIBLE:
            steps.append(("mark_ineligible", (3, 25)))
        elif past_review and state != A.INFO_REQUESTED:
            steps.append(("mark_eligible", (3, 25)))
            cancelled_visit = state == A.ELIGIBLE and self.counters["eligible"] % 2 == 0
            if state == A.ELIGIBLE:
                self.counters["eligible"] += 1
            if cancelled_visit:
                steps += [("schedule_validation", (2, 14)), ("cancel_visit", (3, 20))]
            elif state != A.ELIGIBLE:
                steps.append(("schedule_validation", (2, 14)))
                in_progress = state == A.VALIDATION_SCHEDULED and self.counters["vs"] % 2 == 1
                if state == A.VALIDATION_SCHEDULED:
                    self.counters["vs"] += 1
                if state != A.VALIDATION_SCHEDULED or in_progress:
                    steps.append(("start_visit", (14, 60)))
                if state not in (A.VALIDATION_SCHEDULED,):
                    steps.append(("complete_visit", (0, 2)))
                if state == A.CERTIFIED:
                    steps.append(("certify", (5, 30)))
                elif state == A.DENIED:
                    steps.append(("deny", (5, 30)))
        if withdraw_after is not None:
            if withdraw_after == "create":
                steps = [("create", (0, 0))]
            steps.append(("withdraw", (5, 60)))

        if state == A.CERTIFIED:
            assert certified_at is not None
            end = self._local(certified_at)
        elif state in (A.INELIGIBLE, A.DENIED, A.WITHDRAWN):
            end = today - dt.timedelta(days=rng.randint(0, 1000))
        else:
            end = today - dt.timedelta(days=rng.randint(0, 20))
        names = [name for name, _gap in steps]
        times = self._timeline(end, [gap for _name, gap in steps[1:]])
        if state == A.CERTIFIED:
            shift = certified_at - times[-1]  # type: ignore[operator]
            times = [t + shift for t in times]
        t = dict(zip(names, times, strict=True))
        last = times[-1]

        profile = self._profile(co, t["create"], t.get("submit"))
        officer = co.officer if "start_review" in t else None
        decided = None
        reason = ""
        if state == A.INELIGIBLE:
            decided, reason = t["mark_ineligible"], rng.choice(INELIGIBLE_REASONS)
        elif state == A.DENIED:
            decided, reason = t["deny"], rng.choice(DENIAL_REASONS)
        elif state == A.CERTIFIED:
            decided = t["certify"]
        elif state == A.WITHDRAWN:
            decided = t["withdraw"]
        app = self._stamp(
            Application(
                company=co.company,
                programme=programme,
                harmonized_ctpat=co.company.country == "US" or rng.random() < 0.3,
                profile=profile,
                state=state,
                state_changed_at=last,
                created_by=co.signer,
                assigned_officer=officer,
                submitted_at=t.get("submit"),
                decided_at=decided,
                decision_reason=reason,
            ),
            t["create"],
            last,
        )
        self._app_sites(app, co)
        co.created_at = t["create"] - dt.timedelta(days=rng.randint(1, 20))

        ev = self._event
        trader, manager = co.signer, self.manager
        ev(app, co, t["create"], trader, "create", "", A.DRAFT)
        current = A.DRAFT
        if "submit" in t:
            ev(app, co, t["submit"], trader, "submit", A.DRAFT, A.SUBMITTED)
            current = A.SUBMITTED
        if "start_review" in t:
            ev(app, co, t["start_review"], officer, "start_review", A.SUBMITTED, A.UNDER_REVIEW)
            current = A.UNDER_REVIEW
        if "request_info" in t:
            message, response = rng.choice(INFO_REQUESTS)
            answered = "answer_info" in t
            request = self._stamp(
                InformationRequest(
                    company=co.company,
                    application=app,
                    message=message,
                    deadline=self._local(t["request_info"]) + dt.timedelta(days=30),
                    requested_by=officer,
                    response=response if answered else "",
                    responded_at=t.get("answer_info"),
                    responded_by=rng.choice(co.users) if answered else None,
                ),
                t["request_info"],
                t.get("answer_info"),
            )
            file_name = INFO_ANSWER_FILES[message]
            if answered and co.full and file_name is not None:
                self._upload(
                    InformationAnswerFile(
                        information_request=request,
                        uploaded_by=request.responded_by,
                        uploaded_at=t["answer_info"],
                    ),
                    file_name,
                    _demo_pdf(f"{co.company.legal_name}: {file_name[:-4].replace('-', ' ')}"),
                )
            ev(
                app,
                co,
                t["request_info"],
                officer,
                "request_info",
                A.UNDER_REVIEW,
                A.INFO_REQUESTED,
                message,
            )
            current = A.INFO_REQUESTED
            if answered:
                ev(
                    app,
                    co,
                    t["answer_info"],
                    trader,
                    "answer_info",
                    A.INFO_REQUESTED,
                    A.UNDER_REVIEW,
                    response,
                )
                current = A.UNDER_REVIEW
        if "mark_ineligible" in t:
            ev(
                app,
                co,
                t["mark_ineligible"],
                officer,
                "mark_ineligible",
                A.UNDER_REVIEW,
                A.INELIGIBLE,
                reason,
            )
        if "mark_eligible" in t:
            ev(app, co, t["mark_eligible"], officer, "mark_eligible", A.UNDER_REVIEW, A.ELIGIBLE)
            current = A.ELIGIBLE
        if "schedule_validation" in t:
            ev(
                app,
                co,
                t["schedule_validation"],
                officer,
                "schedule_validation",
                A.ELIGIBLE,
                A.VALIDATION_SCHEDULED,
            )
            current = A.VALIDATION_SCHEDULED
            if state == A.CERTIFIED:
                outcome = (
                    SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN
                    if rng.random() < 0.2
                    else SiteValidation.Outcome.MEETS
                )
            elif state == A.DENIED:
                outcome = SiteValidation.Outcome.DOES_NOT_MEET
            else:
                outcome = SiteValidation.Outcome.MEETS
            visit = self._visit(
                co,
                kind=SiteValidation.Kind.INITIAL,
                application=app,
                scheduled=t["schedule_validation"],
                started=t.get("start_visit"),
                completed=t.get("complete_visit"),
                cancelled=t.get("cancel_visit"),
                outcome=outcome,
                joint=app.harmonized_ctpat and rng.random() < 0.6,
                sites=co.sites,
            )
            if "cancel_visit" in t:
                ev(
                    app,
                    co,
                    t["cancel_visit"],
                    officer,
                    "unschedule_validation",
                    A.VALIDATION_SCHEDULED,
                    A.ELIGIBLE,
                    visit.cancel_reason,
                )
                current = A.ELIGIBLE
            if "complete_visit" in t:
                label = str(SiteValidation.Outcome(outcome).label)
                ev(
                    app,
                    co,
                    t["complete_visit"],
                    officer,
                    "record_validation",
                    A.VALIDATION_SCHEDULED,
                    A.VALIDATED,
                    label,
                )
                current = A.VALIDATED
                if outcome == SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN:
                    self._plan(
                        co,
                        P.ACCEPTED,
                        membership=None,
                        validation=visit,
                        issued=t["complete_visit"] + dt.timedelta(hours=1),
                        latest=t["certify"] - dt.timedelta(hours=2),
                    )
        if "certify" in t:
            ev(app, co, t["certify"], manager, "certify", A.VALIDATED, A.CERTIFIED)
        if "deny" in t:
            ev(app, co, t["deny"], manager, "deny", A.VALIDATED, A.DENIED, reason)
        if "withdraw" in t:
            ev(
                app,
                co,
                t["withdraw"],
                trader,
                "withdraw",
                current,
                A.WITHDRAWN,
                rng.choice(WITHDRAWAL_NOTES),
            )
        return app

    # --- site validations ---------------------------------------------------------------

    def _visit(
        self,
        co: _Co,
        *,
        kind: str,
        scheduled: dt.datetime,
        started: dt.datetime | None = None,
        completed: dt.datetime | None = None,
        cancelled: dt.datetime | None = None,
        outcome: str = "",
        application: Application | None = None,
        membership: Membership | None = None,
        change_notice: ChangeNotice | None = None,
        joint: bool = False,
        sites: Sequence[Site] = (),
        scheduled_for: dt.date | None = None,
        findings: Sequence[tuple[Requirement, str]] = (),
    ) -> SiteValidation:
        """A site validation scheduled at ``scheduled`` and, if given, started, completed
        (with findings) or cancelled at those moments."""
        rng = self.rng
        lead = co.officer
        if scheduled_for is None:
            if cancelled is not None:
                scheduled_for = self._local(cancelled) + dt.timedelta(days=rng.randint(3, 20))
            elif started is not None:
                scheduled_for = self._local(started)
            else:
                earliest = max(
                    self._local(scheduled) + dt.timedelta(days=14),
                    self.today + dt.timedelta(days=3),
                )
                scheduled_for = earliest + dt.timedelta(days=rng.randint(0, 40))
        state = V.SCHEDULED
        if cancelled is not None:
            state = V.CANCELLED
        elif completed is not None:
            state = V.COMPLETED
        elif started is not None:
            state = V.IN_PROGRESS
        last = cancelled or completed or started or scheduled
        visit = self._stamp(
            SiteValidation(
                company=co.company,
                kind=kind,
                application=application,
                membership=membership,
                change_notice=change_notice,
                catalogue=self.catalogue,
                joint_with_cbp=joint,
                lead_officer=lead,
                scheduled_for=scheduled_for,
                started_at=started,
                completed_at=completed,
                outcome=outcome if state == V.COMPLETED else "",
                recommendations=rng.choice(RECOMMENDATIONS) if state == V.COMPLETED else "",
                cancel_reason=rng.choice(CANCEL_VISIT_REASONS) if state == V.CANCELLED else "",
                state=state,
            ),
            scheduled,
            last,
        )
        through = SiteValidation.sites.through
        for site in sites or co.sites[:1]:
            self.batch.links.append((through, "sitevalidation_id", "site_id", visit, site))
        team = [lead]
        if rng.random() < 0.35:
            team.append(self._other_officer(lead))
        through = SiteValidation.officers.through
        for officer in team:
            self.batch.links.append((through, "sitevalidation_id", "user_id", visit, officer))

        label = str(SiteValidation.Kind(kind).label)
        self._event(
            visit,
            co,
            scheduled,
            lead,
            "schedule",
            "",
            V.SCHEDULED,
            f"{label} on {scheduled_for.isoformat()}.",
        )
        if started is not None:
            self._event(visit, co, started, lead, "start", V.SCHEDULED, V.IN_PROGRESS)
        if cancelled is not None:
            self._event(
                visit,
                co,
                cancelled,
                lead,
                "cancel",
                V.IN_PROGRESS if started else V.SCHEDULED,
                V.CANCELLED,
                visit.cancel_reason,
            )
        elif completed is not None:
            assert started is not None
            self._findings(co, visit, outcome, started, completed, findings)
            self._event(
                visit,
                co,
                completed,
                lead,
                "complete",
                V.IN_PROGRESS,
                V.COMPLETED,
                str(SiteValidation.Outcome(outcome).label),
            )
        return visit

    def _shortfalls(self, outcome: str) -> list[tuple[Requirement, str]]:
        """The requirements a visit found not (fully) met, with the result."""
        rng = self.rng
        Result = Finding.Result
        results: tuple[Finding.Result, ...]
        if outcome == SiteValidation.Outcome.MEETS:
            count, results = rng.choice((0, 0, 1)), (Result.PARTIALLY_MEETS,)
        elif outcome == SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN:
            count, results = rng.randint(2, 4), (Result.PARTIALLY_MEETS, Result.DOES_NOT_MEET)
        else:
            count, results = rng.randint(4, 8), (Result.DOES_NOT_MEET, Result.PARTIALLY_MEETS)
        return [(req, rng.choice(results)) for req in rng.sample(self.requirements, count)]

    def _findings(
        self,
        co: _Co,
        visit: SiteValidation,
        outcome: str,
        started: dt.datetime,
        completed: dt.datetime,
        shortfalls: Sequence[tuple[Requirement, str]],
    ) -> None:
        """A finding per requirement for the first companies (``--full-profiles``); for the
        others only the findings that are not "meets", to keep the data set small."""
        rng = self.rng
        shortfalls = list(shortfalls) or self._shortfalls(outcome)
        visit.shortfalls = shortfalls  # type: ignore[attr-defined]  # read by _plan
        by_req = {req.pk: result for req, result in shortfalls}
        span = max((completed - started).total_seconds(), 600.0)
        Result = Finding.Result
        for req in self.requirements if co.full else [req for req, _r in shortfalls]:
            result = by_req.get(req.pk)
            if result is None:
                result = (
                    Result.NOT_APPLICABLE
                    if not req.is_mandatory and rng.random() < 0.04
                    else Result.MEETS
                )
            note = (
                ""
                if result in (Result.MEETS, Result.NOT_APPLICABLE)
                else rng.choice(FINDING_NOTES[req.area.code])
            )
            self._stamp(
                Finding(
                    validation=visit,
                    requirement=req,
                    result=result,
                    note=note,
                    recorded_by=visit.lead_officer,
                ),
                started + dt.timedelta(seconds=rng.uniform(0, span * 0.9)),
            )

    # --- memberships --------------------------------------------------------------------

    def _member(
        self,
        co: _Co,
        *,
        story: tuple[str, int | None, str | None] | None = None,
        certified_on: dt.date | None = None,
        programme: str | None = None,
    ) -> None:
        rng = self.rng
        today = self.today
        if story is None:
            i = self.counters["member"]
            self.counters["member"] += 1
            story = (
                MEMBER_FIRST[i]
                if i < len(MEMBER_FIRST)
                else (self._pick(self.w_member), None, None)
            )
        kind, days_left, cycle_state = story
        if certified_on is not None:
            pass
        elif kind == "active":
            if days_left is not None:
                expires_on = today + dt.timedelta(days=days_left)
                certified_on = add_years(expires_on, -MEMBERSHIP_YEARS)
            else:
                # Spread over the past four years, so expiries spread over the next four.
                certified_on = today - dt.timedelta(days=rng.randint(20, 4 * 365 - 1))
        elif kind == "renewed":
            # Renewed at the first expiry, which fell in the last years (or falls soon).
            first_expiry = today - dt.timedelta(days=rng.randint(-30, 1000))
            certified_on = add_years(first_expiry, -MEMBERSHIP_YEARS)
        elif kind == "lapsed":
            expired_on = today - dt.timedelta(days=rng.randint(2, 400))
            certified_on = add_years(expired_on, -MEMBERSHIP_YEARS)
        elif kind == "suspended":
            # Not near expiry: the revalidation of a suspended membership is not opened.
            certified_on = today - dt.timedelta(days=rng.randint(150, 4 * 365 - 200))
        else:  # cancelled, appealed, upheld
            certified_on = today - dt.timedelta(days=rng.randint(500, 4 * 365 - 60))
        certified_at = self._at(certified_on, hour=rng.randint(9, 15))
        app = self._application(co, A.CERTIFIED, certified_at=certified_at, programme=programme)
        programmes = app.programme.split("+")

        for number, prog in enumerate(programmes):
            self._membership(
                co, app, prog, kind, cycle_state, certified_on, certified_at, primary=number == 0
            )

    def _membership(
        self,
        co: _Co,
        app: Application,
        programme: str,
        kind: str,
        cycle_state: str | None,
        certified_on: dt.date,
        certified_at: dt.datetime,
        *,
        primary: bool,
    ) -> None:
        rng = self.rng
        today = self.today
        expires_on = membership_expiry(certified_on)
        # The state field is protected: the membership is built in its final state.
        state = MEMBER_STORY_STATES[kind]
        membership = self._stamp(
            Membership(
                company=co.company,
                application=app,
                programme=programme,
                certified_on=certified_on,
                expires_on=expires_on,
                assigned_officer=co.officer,
                state=state,
                state_changed_at=certified_at,
            ),
            certified_at,
        )
        ev = self._event
        manager, trader = self.manager, co.signer
        when = certified_at + dt.timedelta(seconds=1 + len(programme))
        ev(membership, co, when, manager, "certify", "", M.ACTIVE)
        last = when

        if kind == "renewed":
            completed = self._cycle(co, membership, R.COMPLETED)
            membership.last_renewed_on = self._local(completed)
            membership.expires_on = membership_expiry(expires_on)
            ev(
                membership,
                co,
                completed + dt.timedelta(seconds=1),
                co.officer,
                "renew",
                M.ACTIVE,
                M.ACTIVE,
                f"Renewed until {membership.expires_on.isoformat()}.",
            )
            last = completed
        elif kind == "lapsed":
            lapsed_at = self._cycle(co, membership, R.LAPSED)
            ev(
                membership,
                co,
                lapsed_at + dt.timedelta(seconds=1),
                None,
                "lapse",
                M.ACTIVE,
                M.LAPSED,
                "Revalidation not completed by the expiry date.",
            )
            last = lapsed_at
        elif kind == "suspended":
            day = today - dt.timedelta(
                days=rng.randint(3, min(200, (today - certified_on).days - 30))
            )
            last = self._at(day)
            ev(
                membership,
                co,
                last,
                manager,
                "suspend",
                M.ACTIVE,
                M.SUSPENDED,
                rng.choice(SUSPENSION_REASONS),
            )
        elif kind in ("cancelled", "appealed", "upheld"):
            if kind == "appealed":
                day = today - dt.timedelta(days=rng.randint(3, 25))
            elif kind == "upheld":
                day = today - dt.timedelta(days=rng.randint(80, 400))
            else:
                day = today - dt.timedelta(days=rng.randint(1, 400))
            from_state = M.ACTIVE
            if rng.random() < 0.5:
                suspended = self._at(day - dt.timedelta(days=rng.randint(20, 60)))
                ev(
                    membership,
                    co,
                    suspended,
                    manager,
                    "suspend",
                    M.ACTIVE,
                    M.SUSPENDED,
                    rng.choice(SUSPENSION_REASONS),
                )
                from_state = M.SUSPENDED
            last = self._at(day)
            membership.cancelled_on = day
            ev(
                membership,
                co,
                last,
                manager,
                "cancel",
                from_state,
                M.CANCELLED,
                rng.choice(CANCELLATION_REASONS),
            )
            if kind in ("appealed", "upheld"):
                appeal_day = day + dt.timedelta(
                    days=rng.randint(1, min(28, max(1, (today - day).days)))
                )
                last = max(self._at(appeal_day), last + dt.timedelta(minutes=5))
                ev(
                    membership,
                    co,
                    last,
                    trader,
                    "appeal",
                    M.CANCELLED,
                    M.APPEALED,
                    rng.choice(APPEAL_GROUNDS),
                )
            if kind == "upheld":
                last = self._at(self._local(last) + dt.timedelta(days=rng.randint(15, 45)))
                ev(
                    membership,
                    co,
                    last,
                    manager,
                    "uphold_cancellation",
                    M.APPEALED,
                    M.UPHELD,
                    rng.choice(UPHOLD_REASONS),
                )
        elif kind == "active":
            days_left = (expires_on - today).days
            if cycle_state is None and days_left <= REVALIDATION_OPENS_DAYS_BEFORE:
                elapsed = REVALIDATION_OPENS_DAYS_BEFORE - days_left
                if elapsed < 30:
                    cycle_state = R.OPEN
                elif elapsed < 90:
                    cycle_state = rng.choice((R.OPEN, R.PROFILE_SUBMITTED, R.PROFILE_SUBMITTED))
                else:
                    cycle_state = self.rng.choices(
                        (R.OPEN, R.PROFILE_SUBMITTED, R.VALIDATION_SCHEDULED), (15, 35, 50)
                    )[0]
            if cycle_state is not None:
                self._cycle(co, membership, cycle_state)
        membership.state_changed_at = last
        membership.updated_at = last

        if primary and state in (M.ACTIVE, M.SUSPENDED) and (today - certified_on).days > 180:
            self._monitoring(co, membership)

    def _cycle(
        self,
        co: _Co,
        membership: Membership,
        state: str,
        *,
        early_notice: ChangeNotice | None = None,
        opened: dt.datetime | None = None,
    ) -> dt.datetime:
        """A revalidation cycle of ``membership`` in ``state``; returns the moment of its
        last step (completion or lapse)."""
        rng = self.rng
        today = self.today
        due = membership.expires_on
        ev = self._event
        officer = co.officer
        if opened is None:
            opened = min(
                dt.datetime.combine(
                    due - dt.timedelta(days=REVALIDATION_OPENS_DAYS_BEFORE),
                    dt.time(2, rng.randint(0, 30)),
                    tzinfo=self.tz,
                ),
                self.now - dt.timedelta(minutes=30),
            )
        opened_day = self._local(opened)
        # Moments of the later steps, each before both today and the due date.
        horizon = min(today, due - dt.timedelta(days=1))
        room = max((horizon - opened_day).days, 3)
        submitted = scheduled = started = completed = lapsed = None
        if state != R.OPEN:
            if state == R.LAPSED:
                if rng.random() < 0.5:
                    submitted = self._at(opened_day + dt.timedelta(days=rng.randint(10, 120)))
                lapsed = dt.datetime.combine(
                    due + dt.timedelta(days=1), dt.time(2, 5), tzinfo=self.tz
                )
            elif state == R.PROFILE_SUBMITTED:
                submitted = self._at(
                    opened_day + dt.timedelta(days=rng.randint(room // 3, room - 1))
                )
            else:
                submitted = self._at(
                    opened_day + dt.timedelta(days=rng.randint(room // 5, room // 2))
                )
                sub_day = self._local(submitted)
                if state == R.VALIDATION_SCHEDULED:
                    scheduled = self._at(
                        sub_day
                        + dt.timedelta(days=rng.randint(1, max(1, (horizon - sub_day).days)))
                    )
                else:  # completed: visit, then completion before the due date
                    scheduled = self._at(sub_day + dt.timedelta(days=rng.randint(3, 20)))
                    visit_day = self._local(scheduled) + dt.timedelta(days=rng.randint(14, 35))
                    started = self._at(visit_day, hour=9)
                    completed_visit = started + dt.timedelta(hours=rng.randint(3, 7))
                    completed = self._at(visit_day + dt.timedelta(days=rng.randint(1, 10)))
        profile_created = opened
        source_answers = co.answers if co.full else []
        profile = self._stamp(
            SecurityProfile(company=co.company, catalogue=self.catalogue, submitted_at=submitted),
            profile_created,
            submitted,
        )
        if source_answers:
            self._answers(
                co, profile, opened, submitted or opened, 1.0, copy_from=self._align(source_answers)
            )
        visit = None
        if scheduled is not None:
            if state == R.VALIDATION_SCHEDULED:
                sched_day = self._local(scheduled)
                first_day = max(today + dt.timedelta(days=1), sched_day + dt.timedelta(days=7))
                last_day = max(first_day, due - dt.timedelta(days=1))
                visit = self._visit(
                    co,
                    kind=SiteValidation.Kind.REVALIDATION,
                    membership=membership,
                    scheduled=scheduled,
                    scheduled_for=first_day
                    + dt.timedelta(days=rng.randint(0, (last_day - first_day).days)),
                    sites=co.sites,
                )
            else:
                visit = self._visit(
                    co,
                    kind=SiteValidation.Kind.REVALIDATION,
                    membership=membership,
                    scheduled=scheduled,
                    started=started,
                    completed=completed_visit,
                    outcome=SiteValidation.Outcome.MEETS,
                    sites=co.sites,
                )
        last = completed or lapsed or scheduled or submitted or opened
        cycle = self._stamp(
            RevalidationCycle(
                company=co.company,
                membership=membership,
                profile=profile,
                site_validation=visit,
                change_notice=early_notice,
                opened_on=opened_day,
                due_on=due,
                submitted_at=submitted,
                completed_on=self._local(completed) if completed else None,
                opened_by=officer if early_notice else None,
                early=early_notice is not None,
                state=state,
            ),
            opened,
            last,
        )
        note = ""
        if early_notice is not None:
            note = f"Opened early after the change reported on {early_notice.effective_on.isoformat()}."
        ev(cycle, co, opened, officer if early_notice else None, "open", "", R.OPEN, note)
        current = R.OPEN
        if submitted is not None:
            ev(cycle, co, submitted, co.signer, "submit_profile", R.OPEN, R.PROFILE_SUBMITTED)
            current = R.PROFILE_SUBMITTED
        if scheduled is not None:
            ev(
                cycle,
                co,
                scheduled,
                officer,
                "schedule_validation",
                R.PROFILE_SUBMITTED,
                R.VALIDATION_SCHEDULED,
            )
            current = R.VALIDATION_SCHEDULED
        if completed is not None:
            ev(cycle, co, completed, officer, "complete", R.VALIDATION_SCHEDULED, R.COMPLETED)
        if lapsed is not None:
            ev(
                cycle,
                co,
                lapsed,
                None,
                "lapse",
                current,
                R.LAPSED,
                "Not completed by the due date.",
            )
        return last

    def _align(self, answers: list[ProfileAnswer]) -> list[ProfileAnswer | None]:
        by_req = {a.requirement_id: a for a in answers}
        return [by_req.get(req.pk) for req in self.requirements]

    # --- monitoring of current members --------------------------------------------------

    def _monitoring(self, co: _Co, membership: Membership) -> None:
        plan = self._maybe("plan", PLAN_FIRST, PLAN_RANDOM, self.w_plan)
        if plan is not None:
            self._plan_with_source(co, membership, plan)
        spot = self._maybe("spot", SPOT_FIRST, SPOT_RANDOM, self.w_spot)
        if spot is not None:
            self._spot_check(co, membership, spot)
        incident = self._maybe("incident", INCIDENT_FIRST, INCIDENT_RANDOM, self.w_incident)
        if incident is not None:
            self._incident(co, membership, incident)
        early_possible = (
            membership.state == M.ACTIVE
            and (membership.expires_on - self.today).days > REVALIDATION_OPENS_DAYS_BEFORE + 30
        )
        notice = self._maybe(
            "notice",
            NOTICE_FIRST,
            NOTICE_RANDOM,
            self.w_notice,
            allowed=lambda story: early_possible or story != "follow_up_revalidation",
        )
        if notice is not None:
            self._notice(co, membership, notice)

    def _plan_dates(self, state: str, certified_on: dt.date) -> dt.date:
        """The day a plan in ``state`` was issued."""
        rng = self.rng
        today = self.today
        if state == P.ISSUED:
            return today - dt.timedelta(days=rng.randint(1, 25))
        if state in (P.RESPONDED, P.RETURNED):
            return today - dt.timedelta(days=rng.randint(20, 50))
        if state == P.OVERDUE:
            return today - dt.timedelta(days=rng.randint(45, 100))
        if state == P.ESCALATED:
            return today - dt.timedelta(days=rng.randint(80, 110))
        oldest = max(certified_on + dt.timedelta(days=30), today - dt.timedelta(days=900))
        newest = today - dt.timedelta(days=40)
        return oldest + dt.timedelta(days=rng.randint(0, max(0, (newest - oldest).days)))

    def _plan_with_source(self, co: _Co, membership: Membership, state: str) -> None:
        rng = self.rng
        issued_day = self._plan_dates(state, membership.certified_on)
        issued = self._at(issued_day)
        from_incident = self.counters["plan_source"] % 3 == 1
        self.counters["plan_source"] += 1
        if from_incident:
            incident = self._incident(
                co,
                membership,
                Incident.State.CONCLUDED,
                concluded=issued - dt.timedelta(minutes=30),
            )
            self._plan(co, state, membership=membership, incident=incident, issued=issued)
        else:
            started = self._at(issued_day - dt.timedelta(days=rng.randint(1, 3)), hour=9)
            visit = self._visit(
                co,
                kind=SiteValidation.Kind.SPOT_CHECK,
                membership=membership,
                scheduled=self._at(self._local(started) - dt.timedelta(days=rng.randint(14, 40))),
                started=started,
                completed=min(
                    started + dt.timedelta(hours=rng.randint(3, 7)),
                    issued - dt.timedelta(minutes=30),
                ),
                outcome=SiteValidation.Outcome.MEETS_WITH_ACTION_PLAN,
            )
            self._plan(co, state, membership=membership, validation=visit, issued=issued)

    def _plan(
        self,
        co: _Co,
        state: str,
        *,
        membership: Membership | None,
        issued: dt.datetime,
        validation: SiteValidation | None = None,
        incident: Incident | None = None,
        latest: dt.datetime | None = None,
    ) -> ActionPlan:
        """An action plan issued at ``issued``, driven to ``state`` (an accepted plan is
        closed before ``latest`` when given)."""
        rng = self.rng
        today = self.today
        officer = co.officer
        issued_day = self._local(issued)
        if state in (P.OVERDUE, P.ESCALATED):
            deadline = min(
                issued_day + dt.timedelta(days=rng.randint(30, 60)), today - dt.timedelta(days=2)
            )
        elif state in (P.ISSUED, P.RETURNED, P.RESPONDED):
            deadline = max(
                issued_day + dt.timedelta(days=rng.randint(30, 90)), today + dt.timedelta(days=7)
            )
        else:
            deadline = issued_day + dt.timedelta(days=rng.randint(30, 90))
        shortfalls = getattr(validation, "shortfalls", None) if validation is not None else None
        if shortfalls:
            targets = [req for req, _result in shortfalls][:4]
        else:
            targets = rng.sample(self.requirements, rng.randint(1, 3))
        responded = reviewed = overdue = escalated = None
        if state in (P.RESPONDED, P.ACCEPTED, P.RETURNED):
            limit = latest or (self.now - dt.timedelta(hours=3))
            span = max((limit - issued).total_seconds(), 7200.0)
            responded = issued + dt.timedelta(seconds=span * rng.uniform(0.3, 0.7))
            if state != P.RESPONDED:
                reviewed = responded + dt.timedelta(
                    seconds=(limit - responded).total_seconds() * rng.uniform(0.2, 0.9)
                )
        if state in (P.OVERDUE, P.ESCALATED):
            overdue = dt.datetime.combine(
                deadline + dt.timedelta(days=1), dt.time(2, 10), tzinfo=self.tz
            )
            if state == P.ESCALATED:
                escalated = self._at(min(deadline + dt.timedelta(days=rng.randint(3, 15)), today))
                escalated = max(escalated, overdue + dt.timedelta(hours=6))
        last = escalated or overdue or reviewed or responded or issued
        response = rng.choice(PLAN_RESPONSES) if responded else ""
        review_note = ""
        if state == P.ACCEPTED:
            review_note = rng.choice(PLAN_ACCEPT_NOTES)
        elif state == P.RETURNED:
            review_note = rng.choice(PLAN_RETURN_NOTES)
        plan = self._stamp(
            ActionPlan(
                company=co.company,
                membership=membership,
                source_validation=validation,
                source_incident=incident,
                issued_by=officer,
                issued_on=issued_day,
                deadline=deadline,
                response=response,
                responded_at=responded,
                review_note=review_note,
                state=state,
            ),
            issued,
            last,
        )
        reviews: dict[str, ActionPlanItem.Review] = {
            P.ACCEPTED: ActionPlanItem.Review.ACCEPTED,
            P.RETURNED: ActionPlanItem.Review.RETURNED,
        }
        review = reviews.get(state, ActionPlanItem.Review.PENDING)
        for k, req in enumerate(targets):
            item_deadline = deadline if k == 0 else deadline - dt.timedelta(days=rng.randint(0, 20))
            if state in (P.ISSUED, P.RETURNED, P.RESPONDED):
                item_deadline = max(item_deadline, today + dt.timedelta(days=1))
            item = self._stamp(
                ActionPlanItem(
                    plan=plan,
                    requirement=req,
                    measure=rng.choice(MEASURES[req.area.code]),
                    deadline=item_deadline,
                    original_deadline=item_deadline,
                    response="Done; evidence attached." if responded else "",
                    responded_at=responded,
                    review=review,
                    review_note=review_note if review != ActionPlanItem.Review.PENDING else "",
                ),
                issued,
                reviewed or responded or issued,
            )
            if responded is not None and co.full and k == 0:
                # A picture of the first measure done (the others' evidence is on paper).
                self._upload(
                    ActionPlanItemEvidence(item=item, uploaded_by=co.signer, uploaded_at=responded),
                    f"{req.code.lower()}-done.png",
                    _demo_png(PHOTO_COLOURS[len(self.batch.uploads) % len(PHOTO_COLOURS)]),
                )
        ev = self._event
        ev(
            plan,
            co,
            issued,
            officer,
            "issue",
            "",
            P.ISSUED,
            f"{len(targets)} measure(s), due by {deadline.isoformat()}.",
        )
        if responded is not None:
            ev(plan, co, responded, co.signer, "respond", P.ISSUED, P.RESPONDED, response)
        if state == P.ACCEPTED:
            assert reviewed is not None  # set above for both reviewed states
            ev(plan, co, reviewed, officer, "accept", P.RESPONDED, P.ACCEPTED, review_note)
        if state == P.RETURNED:
            assert reviewed is not None
            ev(plan, co, reviewed, officer, "return", P.RESPONDED, P.RETURNED, review_note)
        if overdue is not None:
            ev(plan, co, overdue, None, "mark_overdue", P.ISSUED, P.OVERDUE)
        if escalated is not None:
            ev(
                plan,
                co,
                escalated,
                officer,
                "escalate",
                P.OVERDUE,
                P.ESCALATED,
                "No response after the deadline.",
            )
        return plan

    def _spot_check(self, co: _Co, membership: Membership, state: str) -> None:
        rng = self.rng
        today = self.today
        kind = SiteValidation.Kind.SPOT_CHECK
        if state == "scheduled":
            self._visit(
                co,
                kind=kind,
                membership=membership,
                scheduled=self._at(today - dt.timedelta(days=rng.randint(1, 20))),
            )
        elif state == "in_progress":
            started = self._at(today, hour=8)
            self._visit(
                co,
                kind=kind,
                membership=membership,
                scheduled=self._at(self._local(started) - dt.timedelta(days=rng.randint(14, 40))),
                started=started,
            )
        elif state == "completed":
            oldest = max(
                membership.certified_on + dt.timedelta(days=60), today - dt.timedelta(days=900)
            )
            day = oldest + dt.timedelta(days=rng.randint(0, max(0, (today - oldest).days - 1)))
            started = self._at(min(day, today - dt.timedelta(days=1)), hour=9)
            self._visit(
                co,
                kind=kind,
                membership=membership,
                scheduled=self._at(self._local(started) - dt.timedelta(days=rng.randint(14, 40))),
                started=started,
                completed=started + dt.timedelta(hours=rng.randint(3, 7)),
                outcome=SiteValidation.Outcome.MEETS,
            )
        else:  # cancelled
            times = self._timeline(today - dt.timedelta(days=rng.randint(0, 60)), [(2, 20)])
            self._visit(
                co,
                kind=kind,
                membership=membership,
                scheduled=times[0],
                cancelled=times[1],
                scheduled_for=self._local(times[1]) + dt.timedelta(days=rng.randint(3, 20)),
            )

    def _incident(
        self,
        co: _Co,
        membership: Membership,
        state: str,
        *,
        concluded: dt.datetime | None = None,
    ) -> Incident:
        rng = self.rng
        today = self.today
        description, cause, strategy = rng.choice(INCIDENTS)
        S = Incident.State
        if state == S.REPORTED:
            times = self._timeline(today - dt.timedelta(days=rng.randint(0, 8)), [(0, 2)])
        elif state == S.UNDER_ANALYSIS:
            times = self._timeline(today - dt.timedelta(days=rng.randint(0, 20)), [(0, 2), (1, 7)])
        else:
            if concluded is None:
                oldest = max(
                    membership.certified_on + dt.timedelta(days=90), today - dt.timedelta(days=900)
                )
                end = oldest + dt.timedelta(days=rng.randint(0, max(0, (today - oldest).days)))
            else:
                end = self._local(concluded)
            times = self._timeline(end, [(0, 2), (1, 7), (10, 60)])
            if concluded is not None:
                shift = concluded - times[-1]
                times = [t + shift for t in times]
        occurred = self._local(times[0]) - dt.timedelta(days=rng.randint(0, 2))
        reported_at = times[1]
        analysis_at = times[2] if len(times) > 2 else None
        concluded_at = times[3] if len(times) > 3 else None
        reporter = rng.choice(co.users)
        officer = co.officer
        incident = self._stamp(
            Incident(
                company=co.company,
                membership=membership,
                occurred_on=occurred,
                description=description,
                reported_by=reporter,
                analyst=officer if analysis_at else None,
                cause=cause if concluded_at else "",
                mitigating_circumstances=rng.choice(MITIGATING) if concluded_at else "",
                prevention_strategy=strategy if concluded_at else "",
                concluded_at=concluded_at,
                state=state,
            ),
            reported_at,
            concluded_at or analysis_at or reported_at,
        )
        ev = self._event
        ev(incident, co, reported_at, reporter, "report", "", S.REPORTED, description)
        if analysis_at:
            ev(incident, co, analysis_at, officer, "start_analysis", S.REPORTED, S.UNDER_ANALYSIS)
        if concluded_at:
            ev(
                incident,
                co,
                concluded_at,
                officer,
                "conclude",
                S.UNDER_ANALYSIS,
                S.CONCLUDED,
                cause,
            )
        return incident

    def _notice(self, co: _Co, membership: Membership, kind_of_story: str) -> None:
        rng = self.rng
        today = self.today
        S = ChangeNotice.State
        kind = rng.choice(ChangeNotice.Kind.values)
        description = rng.choice(CHANGE_NOTICES[kind])
        follow = kind_of_story.startswith("follow_up")
        if kind_of_story == "submitted":
            times = self._timeline(today - dt.timedelta(days=rng.randint(0, 12)), [])
        elif follow:
            times = self._timeline(today - dt.timedelta(days=rng.randint(0, 30)), [(2, 10)])
        else:
            oldest = max(
                membership.certified_on + dt.timedelta(days=30), today - dt.timedelta(days=900)
            )
            end = oldest + dt.timedelta(days=rng.randint(0, max(0, (today - oldest).days)))
            times = self._timeline(end, [(1, 15)])
        reported = times[0]
        reporter = rng.choice(co.users)
        state = S.SUBMITTED
        follow_up = ""
        note = ""
        if kind_of_story == "acknowledged":
            state, note = S.ACKNOWLEDGED, rng.choice(ACKNOWLEDGE_NOTES)
        elif kind_of_story == "follow_up_spot_check":
            state, follow_up = S.FOLLOW_UP, "spot_check"
        elif kind_of_story == "follow_up_revalidation":
            state, follow_up = S.FOLLOW_UP, "revalidation"
        notice = self._stamp(
            ChangeNotice(
                company=co.company,
                membership=membership,
                kind=kind,
                description=description,
                effective_on=self._local(reported) - dt.timedelta(days=rng.randint(0, 20)),
                reported_by=reporter,
                state=state,
                follow_up=follow_up,
            ),
            reported,
            times[-1],
        )
        ev = self._event
        officer = co.officer
        ev(notice, co, reported, reporter, "report", "", S.SUBMITTED, description)
        if state == S.ACKNOWLEDGED:
            notice.officer_note = note
            ev(notice, co, times[1], officer, "acknowledge", S.SUBMITTED, S.ACKNOWLEDGED, note)
        elif follow_up == "spot_check":
            visit = self._visit(
                co,
                kind=SiteValidation.Kind.SPOT_CHECK,
                membership=membership,
                change_notice=notice,
                scheduled=times[1],
            )
            note = f"Spot check scheduled for {visit.scheduled_for.isoformat()}."
            notice.officer_note = note
            ev(notice, co, times[1], officer, "open_follow_up", S.SUBMITTED, S.FOLLOW_UP, note)
        elif follow_up == "revalidation":
            self._cycle(co, membership, R.OPEN, early_notice=notice, opened=times[1])
            note = f"Opened early after the change reported on {notice.effective_on.isoformat()}."
            notice.officer_note = note
            ev(
                notice,
                co,
                times[1] + dt.timedelta(seconds=1),
                officer,
                "open_follow_up",
                S.SUBMITTED,
                S.FOLLOW_UP,
                note,
            )

    # --- writing ------------------------------------------------------------------------

    def _flush(self) -> int:
        stored: list[StoredFile] = []
        try:
            rows = self._flush_rows(stored)
            # The copies of each company's business types and place, and of each membership's
            # officer and programme, on their rows (written in bulk, without their save()).
            company_copies_sync(company_ids=[c.pk for c in self.batch.rows.get(Company, ())])
            membership_copies_sync(
                membership_ids=[m.pk for m in self.batch.rows.get(Membership, ())]
            )
            return rows
        except BaseException:
            for obj in stored:  # the batch is rolled back: no file left without its row
                obj.file.delete(save=False)
            raise

    def _store_uploads(self, model: type[models.Model], stored: list[StoredFile]) -> None:
        """Write the batch's files of ``model`` through its storage (``upload_to`` names the
        company's folder: the rows they hang from are written and have their ids)."""
        for obj, name, content in self.batch.uploads:
            if type(obj) is model:
                obj.file.save(name, ContentFile(content), save=False)
                stored.append(obj)

    def _flush_rows(self, stored: list[StoredFile]) -> int:
        b = self.batch
        self._identifiers(b)
        rows = 0
        for model in _INSERT_ORDER:
            objs = [o for o in b.rows.get(model, ()) if o.pk is None]
            if objs:
                if issubclass(model, StoredFile):
                    self._store_uploads(model, stored)
                self._write_objects(model, objs)
                self._count(model, len(objs))
                rows += len(objs)
        by_through: dict[Any, list[tuple[int, int]]] = defaultdict(list)
        columns: dict[Any, tuple[str, str]] = {}
        for through, left, right, a, c in b.links:
            by_through[through].append((a.pk, c.pk))
            columns[through] = (left, right)
        for through, pairs in by_through.items():
            self._write_rows(through, columns[through], pairs)
            self._count(through, len(pairs))
            rows += len(pairs)
        reprs: dict[int, str] = {}
        # Each company's business types, as the events record them (business_types_key).
        company_types: dict[int, set[int]] = defaultdict(set)
        for through, _left, _right, a, c in b.links:
            if through is Company.business_types.through:
                company_types[a.pk].add(c.pk)
        type_keys = {pk: business_types_key(ids) for pk, ids in company_types.items()}
        events = []
        for obj, company, when, actor, action, from_state, to_state, note in b.events:
            text = reprs.get(id(obj))
            if text is None:
                text = reprs[id(obj)] = str(obj)[:200]
            events.append(
                (
                    when,
                    actor.pk if actor is not None else None,
                    actor.role if actor is not None else SYSTEM,
                    self.content_types[type(obj)],
                    obj.pk,
                    text,
                    company.pk,
                    action,
                    from_state,
                    to_state,
                    note,
                    # Only an object that keeps a copy (as core.audit.audit_record does).
                    *(
                        (type_keys.get(company.pk, ""), company.country, company.province)
                        if isinstance(obj, CompanyCopy)
                        else ("", "", "")
                    ),
                )
            )
        self._write_rows(AuditEvent, _AUDIT_COLUMNS, events)
        self._count(AuditEvent, len(events))
        return rows + len(events)

    def _write_objects(self, model: type[models.Model], objs: list[Any]) -> None:
        """Insert ``objs`` and give them their ids. On PostgreSQL through COPY, several
        times faster than bulk_create (no SQL to compile, no parameter arrays to quote):
        the ids come from the table's own identity sequence, so later inserts follow on."""
        if not self.use_copy:
            model._default_manager.bulk_create(objs, batch_size=INSERT_CHUNK)
            return
        meta = model._meta
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        pk = meta.pk.attname
        relations = [(f.name, f.attname) for f in meta.concrete_fields if f.is_relation]
        for obj, new_id in zip(objs, ids, strict=True):
            values = obj.__dict__
            values[pk] = new_id
            cache = obj._state.fields_cache
            for name, attname in relations:
                if values[attname] is None:
                    related = cache.get(name)
                    if related is not None:
                        values[attname] = related.pk
            obj._state.adding = False
            obj._state.db = connection.alias
        fields = meta.concrete_fields
        files = [i for i, f in enumerate(fields) if isinstance(f, models.FileField)]
        getter = operator.attrgetter(*(f.attname for f in fields))
        row_of: Callable[[Any], tuple[Any, ...]] = getter
        if files:

            def with_file_names(obj: Any) -> tuple[Any, ...]:
                row = list(getter(obj))
                for i in files:
                    row[i] = row[i].name if row[i] else ""
                return tuple(row)

            row_of = with_file_names
        self._copy(meta.db_table, [_column(f) for f in fields], map(row_of, objs))

    def _write_rows(
        self, model: type[models.Model], attnames: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """Insert plain rows (audit events, many-to-many links) that nothing points to."""
        if not rows:
            return
        if self.use_copy:
            by_attname = {f.attname: _column(f) for f in model._meta.concrete_fields}
            columns = [by_attname[a] for a in attnames]
            self._copy(model._meta.db_table, columns, rows)
        else:
            model._default_manager.bulk_create(
                (model(**dict(zip(attnames, row, strict=True))) for row in rows),
                batch_size=INSERT_CHUNK,
            )

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        quote = connection.ops.quote_name
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def _identifiers(self, b: _Batch) -> None:
        """Application references and member numbers from core.identifiers, a block per
        sequence, so that later ones issued by the services continue without clashing."""
        by_year: dict[int, list[Application]] = defaultdict(list)
        for app in b.rows.get(Application, ()):
            by_year[self._local(app.created_at).year].append(app)
        for year, apps in sorted(by_year.items()):
            apps.sort(key=lambda a: a.created_at)
            block = identifier_reserve(name=f"application:{year}", count=len(apps))
            for app, value in zip(apps, block, strict=True):
                app.reference = application_reference_format(year=year, value=value)
        by_programme: dict[str, list[Membership]] = defaultdict(list)
        for membership in b.rows.get(Membership, ()):
            by_programme[membership.programme].append(membership)
        for programme, members in sorted(by_programme.items()):
            members.sort(key=lambda m: m.created_at)
            block = identifier_reserve(name=f"member:{programme}", count=len(members))
            for membership, value in zip(members, block, strict=True):
                membership.member_number = member_number_format(programme=programme, value=value)
