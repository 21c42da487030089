"""Names, places and texts the demo data is made of: people, companies, addresses,
answers, findings, measures and the reasons and notes of each decision. Everything is
fictional: ``.example`` e-mail domains (RFC 2606), 555-01xx telephone numbers."""

from __future__ import annotations

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
