"""Companies, their sites and users, the requirement catalogues, applications, security
profiles and memberships: one module per concept, re-exported here so that
``traders.models.X`` keeps working (migrations and other apps import from it)."""

from .applications import (
    Application,
    InformationAnswerFile,
    InformationRequest,
    information_file_upload_to,
)
from .catalogues import (
    CatalogueVersion,
    CtpatCategory,
    Requirement,
    RequirementArea,
    WcoCondition,
)
from .change_notices import (
    ChangeNotice,
)
from .companies import (
    COMPANY_COPY_FIELDS,
    COVERING_FILTERS,
    BusinessType,
    Company,
    CompanyCopy,
    CompanyUser,
    Programme,
    Site,
    business_number_validator,
    business_types_key,
    country_code_validator,
)
from .memberships import (
    Membership,
    MembershipCertificate,
    MembershipQuerySet,
    ProtectedDates,
    certificate_upload_to,
)
from .profiles import (
    EvidenceFile,
    ProfileAnswer,
    SecurityProfile,
    evidence_upload_to,
)

__all__ = [
    "Application",
    "BusinessType",
    "COMPANY_COPY_FIELDS",
    "COVERING_FILTERS",
    "CatalogueVersion",
    "ChangeNotice",
    "Company",
    "CompanyCopy",
    "CompanyUser",
    "CtpatCategory",
    "EvidenceFile",
    "InformationAnswerFile",
    "InformationRequest",
    "Membership",
    "MembershipCertificate",
    "MembershipQuerySet",
    "ProfileAnswer",
    "Programme",
    "ProtectedDates",
    "Requirement",
    "RequirementArea",
    "SecurityProfile",
    "Site",
    "WcoCondition",
    "business_number_validator",
    "business_types_key",
    "certificate_upload_to",
    "country_code_validator",
    "evidence_upload_to",
    "information_file_upload_to",
]
