"""The data-category taxonomy: every category a policy, a data map or a breach may name.

Each category has French and English labels (a person reads them in the notice and the
register), the group of the CNIL's register template it falls in, and flags for the
categories the law treats apart: GDPR Art. 9 (special categories), Art. 10 (criminal
convictions and offences) and the French social-security number (NIR, which the CNIL
register lists with the sensitive data). ``technical`` marks data collected by the
machine rather than given by the person (DEF-C3).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from garant.errors import NotFound


class RegisterGroup(StrEnum):
    """The data groups of the CNIL's basic register template."""

    IDENTITY = "identity"
    PERSONAL_LIFE = "personal_life"
    PROFESSIONAL_LIFE = "professional_life"
    ECONOMIC_FINANCIAL = "economic_financial"
    CONNECTION = "connection"
    LOCATION = "location"
    INTERNET = "internet"
    OTHER = "other"


GROUP_LABELS: dict[RegisterGroup, tuple[str, str]] = {
    RegisterGroup.IDENTITY: (
        "État civil, identité, données d'identification, images",
        "Identity and images",
    ),
    RegisterGroup.PERSONAL_LIFE: (
        "Vie personnelle (habitudes de vie, situation familiale, etc.)",
        "Personal life (habits, family situation, etc.)",
    ),
    RegisterGroup.PROFESSIONAL_LIFE: (
        "Vie professionnelle (CV, scolarité, formation, distinctions, etc.)",
        "Professional life (CV, education, training, etc.)",
    ),
    RegisterGroup.ECONOMIC_FINANCIAL: (
        "Informations d'ordre économique et financier (revenus, situation financière, "
        "données bancaires, etc.)",
        "Economic and financial information (income, financial situation, bank details, etc.)",
    ),
    RegisterGroup.CONNECTION: (
        "Données de connexion (adresse IP, logs, etc.)",
        "Connection data (IP address, logs, etc.)",
    ),
    RegisterGroup.LOCATION: (
        "Données de localisation (déplacements, données GPS, GSM, etc.)",
        "Location data (movements, GPS, GSM, etc.)",
    ),
    RegisterGroup.INTERNET: (
        "Internet (cookies, traceurs, données de navigation, mesures d'audience, etc.)",
        "Internet (cookies, trackers, browsing data, audience measurement, etc.)",
    ),
    RegisterGroup.OTHER: ("Autres catégories de données", "Other categories of data"),
}


@dataclass(frozen=True)
class Category:
    id: str
    fr: str
    en: str
    group: RegisterGroup
    art9: bool = False
    art10: bool = False
    nir: bool = False
    technical: bool = False

    @property
    def sensitive(self) -> bool:
        """Listed under "sensitive data" in the CNIL register (Art. 9, Art. 10 or the NIR)."""
        return self.art9 or self.art10 or self.nir

    def label(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


G = RegisterGroup
_ALL = [
    Category(
        "identification",
        "Identification (nom, prénom, civilité, pseudonyme)",
        "Identification (name, title, pseudonym)",
        G.IDENTITY,
    ),
    Category(
        "contact",
        "Coordonnées (téléphone, e-mail, adresse postale)",
        "Contact details (phone, email, postal address)",
        G.IDENTITY,
    ),
    Category("image", "Photographie, image", "Photograph, image", G.IDENTITY),
    Category("identity_document", "Pièce d'identité", "Identity document", G.IDENTITY),
    Category("credentials", "Identifiants et mots de passe", "Login credentials", G.IDENTITY),
    Category("minors", "Données relatives à des mineurs", "Data about minors", G.IDENTITY),
    Category(
        "personal_life",
        "Vie personnelle (habitudes de vie, projets d'achat)",
        "Personal life (lifestyle, purchase plans)",
        G.PERSONAL_LIFE,
    ),
    Category(
        "communications",
        "Contenu des échanges (messages, demandes)",
        "Content of communications (messages, requests)",
        G.PERSONAL_LIFE,
    ),
    Category(
        "professional",
        "Vie professionnelle (fonction, employeur, parcours)",
        "Professional life (position, employer, background)",
        G.PROFESSIONAL_LIFE,
    ),
    Category(
        "education",
        "Formation et niveau (diplômes, niveau de langue, examens)",
        "Education and level (degrees, language level, exams)",
        G.PROFESSIONAL_LIFE,
    ),
    Category(
        "financial", "Données bancaires (IBAN, RIB)", "Banking data (IBAN)", G.ECONOMIC_FINANCIAL
    ),
    Category(
        "payment_card", "Données de carte de paiement", "Payment card data", G.ECONOMIC_FINANCIAL
    ),
    Category(
        "purchases",
        "Commandes, achats et factures",
        "Orders, purchases and invoices",
        G.ECONOMIC_FINANCIAL,
    ),
    Category(
        "connection",
        "Données de connexion (adresse IP, journaux)",
        "Connection data (IP address, logs)",
        G.CONNECTION,
        technical=True,
    ),
    Category(
        "consent_proof",
        "Preuve du consentement (clic, horodatage)",
        "Proof of consent (click, time)",
        G.CONNECTION,
        technical=True,
    ),
    Category("location", "Données de localisation", "Location data", G.LOCATION),
    Category(
        "internet",
        "Cookies, traceurs et navigation",
        "Cookies, trackers and browsing",
        G.INTERNET,
        technical=True,
    ),
    Category(
        "national_id",
        "Numéro de sécurité sociale (NIR)",
        "French social-security number (NIR)",
        G.OTHER,
        nir=True,
    ),
    Category("health", "Données de santé", "Health data", G.OTHER, art9=True),
    Category(
        "racial_ethnic_origin",
        "Origine raciale ou ethnique",
        "Racial or ethnic origin",
        G.OTHER,
        art9=True,
    ),
    Category("political_opinions", "Opinions politiques", "Political opinions", G.OTHER, art9=True),
    Category(
        "religious_beliefs",
        "Convictions religieuses ou philosophiques",
        "Religious or philosophical beliefs",
        G.OTHER,
        art9=True,
    ),
    Category("trade_union", "Appartenance syndicale", "Trade-union membership", G.OTHER, art9=True),
    Category("genetic", "Données génétiques", "Genetic data", G.OTHER, art9=True),
    Category("biometric", "Données biométriques", "Biometric data", G.OTHER, art9=True),
    Category(
        "sex_life",
        "Vie sexuelle ou orientation sexuelle",
        "Sex life or sexual orientation",
        G.OTHER,
        art9=True,
    ),
    Category(
        "criminal",
        "Condamnations pénales et infractions",
        "Criminal convictions and offences",
        G.OTHER,
        art10=True,
    ),
    Category("other", "Autres données", "Other data", G.OTHER),
]

CATEGORIES: dict[str, Category] = {c.id: c for c in _ALL}
ART9 = frozenset(c.id for c in _ALL if c.art9)
ART10 = frozenset(c.id for c in _ALL if c.art10)


def category(category_id: str) -> Category:
    try:
        return CATEGORIES[category_id]
    except KeyError:
        raise NotFound(
            f'"{category_id}" is not a data category (known: {", ".join(CATEGORIES)})'
        ) from None


def is_category(category_id: str) -> bool:
    return category_id in CATEGORIES
