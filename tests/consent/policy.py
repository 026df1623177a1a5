"""A small policy in the contract's shape: every prospecting basis, cookies, an image right."""

POLICY = """\
controller:
  name: Test School
timezone: Europe/Paris
country: FR
activities:
  - id: newsletter
    name: {fr: Lettre d'information, en: Newsletter}
    purposes: [{fr: Envoyer la lettre, en: Send the newsletter}]
    legal_basis: consent
    consent_purpose: newsletter
    data_subjects: [learners]
    data_categories: [identification]
  - id: offers
    name: {fr: Offres aux clients, en: Offers to customers}
    purposes: [{fr: Offres similaires, en: Similar offers}]
    legal_basis: legitimate_interests
    legitimate_interest: {fr: Prospection des clients, en: Prospecting customers}
    consent_purpose: customer_offers
    data_subjects: [customers]
    data_categories: [identification]
  - id: b2b_prospecting
    name: {fr: Prospection B2B, en: B2B prospecting}
    purposes: [{fr: Offres professionnelles, en: Professional offers}]
    legal_basis: legitimate_interests
    legitimate_interest: {fr: Prospection, en: Prospecting}
    consent_purpose: b2b_offers
    data_subjects: [prospects]
    data_categories: [identification]
  - id: registration
    name: {fr: Inscriptions, en: Registration}
    purposes: [{fr: Inscrire, en: Register}]
    legal_basis: contract
    data_subjects: [learners]
    data_categories: [identification]
  - id: events
    name: {fr: Événements, en: Events}
    purposes: [{fr: Photos d'événements, en: Event photos}]
    legal_basis: consent
    consent_purpose: image_rights
    data_subjects: [participants]
    data_categories: [identification]
  - id: member_area
    name: {fr: Espace membre, en: Member area}
    purposes: [{fr: Espace membre, en: Member area}]
    legal_basis: contract
    compatible_with: [registration]
    data_subjects: [members]
    data_categories: [identification]
  - id: partners
    name: {fr: Partenaires, en: Partners}
    purposes: [{fr: Partage, en: Sharing}]
    legal_basis: consent
    consent_purpose: partner_sharing
    data_subjects: [customers]
    data_categories: [identification]
consent_purposes:
  - id: newsletter
    activity: newsletter
    label: {fr: Lettre d'information, en: Newsletter}
    text: {fr: J'accepte de recevoir la lettre., en: I agree to receive the newsletter.}
    version: "1"
    prospecting_basis: consent
  - id: customer_offers
    activity: offers
    label: {fr: Offres similaires, en: Similar offers}
    text: {fr: Offres proches de vos achats., en: Offers close to what you bought.}
    prospecting_basis: soft_opt_in
  - id: b2b_offers
    activity: b2b_prospecting
    label: {fr: Offres professionnelles, en: Professional offers}
    text: {fr: Offres liées à votre métier., en: Offers about your profession.}
    prospecting_basis: opt_out_b2b
  - id: image_rights
    activity: events
    label: {fr: Droit à l'image, en: Image rights}
    text: {fr: J'autorise la publication de ma photo., en: I allow my photo to be published.}
    prospecting_basis: consent
  - id: partner_sharing
    activity: partners
    label: {fr: Partage avec des partenaires, en: Sharing with partners}
    text: {fr: J'accepte que mes données soient transmises., en: I agree my data is passed on.}
    prospecting_basis: consent
cookie_policy:
  consent_lifetime: 13 months
  categories:
    - id: necessary
      label: {fr: Nécessaires, en: Necessary}
      description: {fr: Indispensables au site., en: Needed by the site.}
      consent_required: false
    - id: measurement
      label: {fr: Mesure d'audience, en: Audience measurement}
      description: {fr: Statistiques de visite., en: Visit statistics.}
    - id: advertising
      label: {fr: Publicité, en: Advertising}
      description: {fr: Publicité ciblée., en: Targeted advertising.}
cookies:
  - name: session
    category: necessary
    purpose: {fr: Session, en: Session}
    lifetime: 1 day
    consent_required: false
  - name: _pk_id
    category: measurement
    purpose: {fr: Mesure d'audience, en: Audience measurement}
    lifetime: 13 months
  - name: ads_id
    category: advertising
    purpose: {fr: Publicité, en: Advertising}
    lifetime: 6 months
"""
