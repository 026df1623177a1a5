"""The classifier's knowledge: kinds of personal data, name rules and Art. 9/10 words.

Kept as data so that a rule can be read, argued with and extended without touching the
scoring logic. Column names are matched after ``split_name`` (``BillingPostalCode`` is
``billing_postal_code``); words in English and French.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from garant.datamap import detectors


@dataclass(frozen=True)
class Kind:
    id: str
    category: str
    """Taxonomy id (``garant.policy.taxonomy``)."""
    en: str
    fr: str
    check: Callable[[object], bool] | None = None
    check_text: str = ""
    validates: bool = False
    """The check is strict enough (checksum, strict syntax) for values alone to decide."""
    identity: str | None = None


_K = Kind
KINDS: dict[str, Kind] = {
    k.id: k
    for k in (
        _K(
            "email",
            "contact",
            "Email address",
            "Adresse e-mail",
            detectors.is_email,
            "are valid email addresses (email-validator)",
            True,
            "email",
        ),
        _K(
            "phone",
            "contact",
            "Phone number",
            "Numéro de téléphone",
            partial(detectors.is_phone, region="FR"),
            "are possible phone numbers (phonenumbers)",
            True,
            "phone",
        ),
        _K(
            "first_name",
            "identification",
            "First name",
            "Prénom",
            detectors.is_first_name,
            "are common first names (Faker's lists)",
        ),
        _K(
            "last_name",
            "identification",
            "Last name",
            "Nom",
            detectors.is_last_name,
            "are common last names (Faker's lists)",
        ),
        _K("full_name", "identification", "Full name", "Nom complet"),
        _K("civility", "identification", "Title or gender", "Civilité"),
        _K(
            "birth_date",
            "identification",
            "Date of birth",
            "Date de naissance",
            detectors.is_past_date,
            "are dates between 1900 and today",
        ),
        _K(
            "postal_address",
            "contact",
            "Postal address",
            "Adresse postale",
            detectors.is_street_address,
            "look like street addresses",
        ),
        _K("locality", "contact", "Town, region or country", "Ville, région ou pays"),
        _K(
            "postal_code",
            "contact",
            "Postal code",
            "Code postal",
            detectors.is_postal_code,
            "have the shape of postal codes",
        ),
        _K(
            "ip_address",
            "connection",
            "IP address",
            "Adresse IP",
            detectors.is_ip,
            "are IP addresses",
            True,
        ),
        _K("connection", "connection", "Connection data", "Données de connexion"),
        _K(
            "bic",
            "financial",
            "BIC",
            "BIC",
            detectors.is_bic,
            "are valid BICs (python-stdnum, ISO 9362)",
        ),
        _K(
            "account_number",
            "identification",
            "Customer or member number",
            "Numéro de client ou d'adhérent",
        ),
        _K(
            "iban",
            "financial",
            "IBAN",
            "IBAN",
            detectors.is_iban,
            "are valid IBANs (python-stdnum, ISO 13616 checksum)",
            True,
        ),
        _K(
            "siret",
            "professional",
            "SIRET number (establishment)",
            "Numéro SIRET (établissement)",
            detectors.is_siret,
            "are valid SIRET numbers (python-stdnum, INSEE key)",
            True,
        ),
        _K(
            "siren",
            "professional",
            "SIREN number (company)",
            "Numéro SIREN (entreprise)",
            detectors.is_siren,
            "are valid SIREN numbers (python-stdnum, INSEE key)",
            True,
        ),
        _K("birth_place", "identification", "Place of birth", "Lieu de naissance"),
        _K(
            "payment_card",
            "payment_card",
            "Payment card number",
            "Numéro de carte de paiement",
            detectors.is_card,
            "are 13-19 digit numbers passing the Luhn check (python-stdnum)",
            True,
        ),
        _K(
            "nir",
            "national_id",
            "Social security number (NIR)",
            "Numéro de sécurité sociale",
            detectors.is_nir,
            "are valid French NIRs with their key (python-stdnum)",
            True,
        ),
        _K(
            "password_hash",
            "credentials",
            "Password (hash)",
            "Mot de passe (empreinte)",
            detectors.is_password_hash,
            "look like password hashes (crypt prefix or hex digest)",
            True,
        ),
        _K("username", "credentials", "User name", "Identifiant", None, "", False, "username"),
        _K("image", "image", "Photograph", "Photographie"),
        _K("location", "location", "Location", "Localisation"),
        _K(
            "free_text",
            "communications",
            "Free text",
            "Texte libre",
            detectors.is_free_text,
            "are prose (40+ characters, several words)",
        ),
        _K(
            "professional",
            "professional",
            "Professional information",
            "Informations professionnelles",
        ),
        _K("purchase", "purchases", "Purchase or payment", "Achat ou paiement"),
        _K("internet", "internet", "Browsing data", "Données de navigation"),
    )
}


@dataclass(frozen=True)
class NameRule:
    kind: str
    pattern: re.Pattern[str]
    families: tuple[str, ...] = ()
    """Column type families the rule applies to; empty: any."""


def _rule(kind: str, regex: str, *families: str) -> NameRule:
    return NameRule(kind, re.compile(regex), families)


_TEXT = ("text",)
_DATES = ("date", "datetime", "text")
# The first rule of a kind that matches is the one shown as evidence; order within a kind
# from the most to the least specific.
NAME_RULES: tuple[NameRule, ...] = (
    _rule("email", r"e_?mail|courriel|mail_address"),
    _rule("phone", r"phone|(^|_)tel(_|$)|telephone|mobile|(^|_)fax(_|$)|(^|_)gsm(_|$)|portable"),
    _rule("first_name", r"(^|_)(first|given|fore|f)_?name(_|$)|(^|_)prenom(_|$)|firstname"),
    _rule("last_name", r"(^|_)(last|family|sur|l)_?name(_|$)|(^|_)nom(_de_famille)?(_|$)|surname"),
    _rule(
        "full_name",
        r"(^|_)(full|display|contact|customer|client|person|billing|holder|guest|account"
        r"|owner|recipient|member)_?name(_|$)",
    ),
    _rule(
        "account_number",
        r"(^|_)(customer|client|member|learner|account|subscriber|adherent|student)"
        r"_?(number|no|num|code|ref)(_|$)"
        r"|(^|_)(numero|num|no|n)_(dossier|client|adherent|usager|allocataire|beneficiaire|eleve)"
        r"(_|$)",
    ),
    _rule("civility", r"(^|_)(gender|sexe?|genre|civilite|civility|salutation)(_|$)"),
    _rule("birth_place", r"(lieu|ville|commune|pays)_(de_)?naissance|birth_?place|place_of_birth"),
    _rule("birth_date", r"birth|(^|_)dob(_|$)|(^|_)born|naissance", *_DATES),
    _rule(
        "postal_code", r"postal_?code|post_?code|(^|_)zip(_?code)?(_|$)|code_postal|(^|_)cp(_|$)"
    ),
    _rule("postal_address", r"address|(^|_)addr(_|$)|street|adresse|(^|_)rue(_|$)|line_?[12]"),
    _rule(
        "locality",
        r"(^|_)(city|town|ville|commune|district|state|province|region|country|pays)(_|$)",
        *_TEXT,
    ),
    _rule("ip_address", r"(^|_)ip(_|$)|ip_?addr|remote_addr|client_ip|(^|_)ipv[46]"),
    _rule("connection", r"user_agent|last_login|login_at|(^|_)session"),
    _rule("bic", r"(^|_)(bic|swift)(_code)?(_|$)"),
    _rule("iban", r"(^|_)iban(_|$)|(^|_)rib(_|$)|bank_account"),
    _rule("siret", r"(^|_)siret(_|$)"),
    _rule("siren", r"(^|_)siren(_|$)"),
    _rule(
        "payment_card", r"card_?(number|num|no)|(^|_)pan(_|$)|credit_?card|(^|_)cc_?(number|num)"
    ),
    _rule("nir", r"(^|_)nir(_|$)|(^|_)ssn(_|$)|social_?security|securite_sociale|(^|_)insee(_|$)"),
    _rule(
        "password_hash",
        r"pass_?word|passwd|(^|_)pwd(_|$)|(^|_)pass_?hash|mot_de_passe|(^|_)mdp(_|$)",
    ),
    _rule("username", r"user_?name|(^|_)login(_|$)|(^|_)pseudo(nym)?(_|$)|nickname"),
    _rule("image", r"photo|picture|avatar|portrait|(^|_)image(_|$)|selfie", "binary", "text"),
    _rule("location", r"latitude|longitude|(^|_)(lat|lng|lon|geo|gps)(_|$)|geoloc"),
    _rule(
        "free_text",
        r"comment|(^|_)notes?(_|$)|message|remark|observation|(^|_)body(_|$)|free_?text|commentaire",
        *_TEXT,
    ),
    _rule(
        "professional",
        r"job_?title|occupation|profession|employer|company|(^|_)fonction(_|$)|hire_?date|(^|_)salary|salaire",
    ),
    _rule(
        "purchase",
        r"(^|_)(amount|price|total|unit_price|montant|invoice_date|payment_date|order_date)(_|$)",
    ),
    _rule("internet", r"cookie|tracker|device_id|(^|_)utm_|referr?er"),
)

ART9_NAME_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (cid, re.compile(regex))
    for cid, regex in (
        (
            "health",
            r"health|medic|diagnos|illness|disease|allerg|disabilit|handicap|sante"
            r"|maladie|patholog|treatment|prescription|blood_?type|pregnan|mutuelle",
        ),
        ("racial_ethnic_origin", r"ethnic|ethnie|(^|_)race(_|$)|racial|skin_colou?r"),
        ("political_opinions", r"politic|politique|party_affiliation|(^|_)parti(_|$)"),
        (
            "religious_beliefs",
            r"religio|(^|_)faith|church|worship|(^|_)confession|croyance"
            r"|(^|_)culte|belief|philosoph",
        ),
        ("trade_union", r"trade_?union|(^|_)union(_|$)|union_member|syndica"),
        ("sex_life", r"sexual|sex_life|orientation|vie_sexuelle|lgbt"),
        ("genetic", r"genetic|(^|_)dna(_|$)|genom|genetique"),
        (
            "biometric",
            r"biometr|fingerprint|face_?template|(^|_)iris(_|$)|voiceprint|empreinte_dig",
        ),
        (
            "criminal",
            r"criminal|conviction|offen[cs]e|casier|infraction|condamnation|(^|_)penal"
            r"|main_courante|(^|_)plaintes?(_|$)|(^|_)delits?(_|$)|videoprotection|cctv",
        ),
    )
)

ART9_VALUE_WORDS: dict[str, tuple[str, ...]] = {
    "health": (
        "diabet",
        "asthma",
        "asthme",
        "cancer",
        "hiv",
        "pregnan",
        "enceinte",
        "allerg",
        "depressi",
        "diagnos",
        "disabilit",
        "handicap",
        "epilep",
        # French disability and long-illness benefits and their codes: the benefit tells
        # the health condition (AEEH, AAH, PCH, RQTH, ALD, invalidité), for review.
        "aeeh",
        "aah",
        "pch",
        "rqth",
        "ald",
        "invalidit",
        "mdph",
        "allocation d'éducation de l'enfant handicapé",
        "allocation aux adultes handicapés",
    ),
    # Free-text incident or offence descriptions (a CCTV or security report): possible
    # Art. 10 data, flagged for review.
    "criminal": (
        "vol ",
        "volé",
        "agression",
        "dégradation",
        "effraction",
        "interpell",
        "plainte",
        "infraction",
        "délit",
        "theft",
        "stolen",
        "shoplift",
        "assault",
        "vandal",
        "burglar",
        "arrested",
    ),
    "religious_beliefs": (
        "catholi",
        "muslim",
        "musulman",
        "jewish",
        "juif",
        "juive",
        "christian",
        "chrétien",
        "buddhis",
        "bouddhis",
        "hindu",
        "atheis",
        "athée",
        "protestant",
    ),
    "political_opinions": (
        "democrat",
        "republican",
        "républicain",
        "socialis",
        "communis",
        "écologiste",
        "conservative party",
        "labour party",
    ),
    "trade_union": ("cgt", "cfdt", "force ouvrière", "syndiqu", "union member"),
    "sex_life": (
        "homosexu",
        "heterosexu",
        "hétérosexu",
        "bisexu",
        "lesbian",
        "lesbienne",
        "transgender",
    ),
    "racial_ethnic_origin": ("caucasian", "hispanic", "african american", "ethnicity"),
}
