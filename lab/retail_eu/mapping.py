"""The mapping files a new user would write from the files' headers (docs/mapping.md): ``idgraph.yaml``
with a shared ``card_number`` identifier kind (needs the upcoming identifier-kinds feature) and
``idgraph-basic.yaml`` without it, which works today. No ``matching:`` or ``guard:`` section."""
from __future__ import annotations

from pathlib import Path

BASIC = """\
# idgraph mapping for the retail_eu test data (Kramhaus, a European multi-channel retailer),
# written from the files' headers. Defaults for matching and guard.
project: retail_eu
phone_region: DE          # the company is German; sources override it where they know better
gmail_rules: true         # German customers write googlemail.com and gmail.com for one mailbox

sources:
  shop_accounts:          # the web shop, all six countries, customer-typed
    path: shop_accounts.jsonl
    format: jsonl
    kind: customer
    id: account_id
    phone_region: DE      # mobiles are international; a few national ones are read as German
    fields:
      email: email
      first_name: given_name
      last_name: family_name
      dob: {column: birth_date, format: iso}
      phone: mobile
      address: [house_number, street, address_extra]  # joined with spaces, the number first as most sources write it
      postcode: postcode
      city: city
      country: country_code
      updated_at: {column: updated_at, format: iso}
%(shop_card)s
  pos_loyalty:            # loyalty cards typed at the tills (stores in DE, NL, FR)
    path: pos_loyalty.csv
    kind: customer
    delimiter: ";"
    encoding: cp1252
    id: KARTENNR
    phone_region: DE      # one file for three store countries; French and Dutch national numbers misread
    name_format: auto
    fields:
      full_name: NAME
      dob: {column: GEBDAT, format: "%%d.%%m.%%Y"}
      phone: TELEFON
      email: EMAIL
      address: ANSCHRIFT
      country: LAND
      updated_at: {column: ANGELEGT, format: "%%d.%%m.%%Y"}
%(pos_card)s
  maison_clients:         # the French chain bought in 2021, its migration export
    path: maison_clients.tsv
    kind: customer
    delimiter: "\\t"
    encoding: utf-8-sig
    id: num_client
    phone_region: FR
    fields:
      last_name: nom
      first_name: prenom
      dob: {column: date_naissance, format: "%%d/%%m/%%Y"}
      phone: [tel_portable, tel_fixe]
      email: email
      address: adresse
      postcode: code_postal
      city: ville
      country: {value: FR}
      updated_at: {column: date_creation, format: "%%d/%%m/%%Y %%H:%%M"}
%(maison_card)s
  app_users:              # mobile app sign-ups
    path: app_users.csv
    kind: customer
    id: user_id
    phone_region: DE
    fields:
      email: email
      first_name: first_name
      last_name: last_name
      phone: phone
      device: device_id
      updated_at: {column: signup_ts_ms, format: epoch_ms}

  marketplace_orders:     # orders from the shop, the app and the marketplaces
    path: marketplace_orders.jsonl
    format: jsonl
    kind: interaction
    id: order_id
    phone_region: DE
    fields:
      timestamp: {column: placed_at, format: iso}
      channel: channel
      event_type: {value: order}
      email: buyer_email
      phone: delivery_phone
      customer_ref: {column: shop_account_id, source: shop_accounts}
      order_id: order_id
      amount: amount
      currency: currency
    keep: [marketplace, status]

  support_cases:          # the contact centre in Germany, all countries
    path: support_cases.csv
    kind: interaction
    id: case_id
    phone_region: DE
    fields:
      timestamp: {column: opened_at, format: iso}
      channel: channel
      event_type: {value: support_case}
      phone: caller_phone
      email: email
      customer_ref: {column: loyalty_card, source: pos_loyalty}
    keep: [topic, language, status]

  web_sessions:           # click-stream of the web shop and the app
    path: web_sessions.csv
    kind: interaction
    id: event_id
    fields:
      timestamp: {column: ts, format: "%%Y-%%m-%%d %%H:%%M:%%S"}
      channel: platform
      event_type: event_type
      device: device_id
      # logins name a shop account (account_id) or an app user (app_user_id); customer_ref takes one
      # column of one source, so app_user_id is only kept (the app's device_id still links the events)
      customer_ref: {column: account_id, source: shop_accounts}
    keep: [page, app_user_id]
"""

IDENTIFIERS = """\
# NEEDS the upcoming identifier-kinds feature: a loyalty card number shared by the POS, the web shop
# ("my account") and the French chain's migrated file. Use idgraph-basic.yaml until it is released.
identifiers:
  card_number: {normalise: [digits]}

"""


def write(out_dir: Path) -> tuple[Path, Path]:
    basic = BASIC % {"shop_card": "", "pos_card": "", "maison_card": ""}
    full = IDENTIFIERS + BASIC % {
        "shop_card": "      card_number: loyalty_card   # identifier kind declared above\n",
        "pos_card": "      card_number: KARTENNR       # identifier kind declared above\n",
        "maison_card": "      card_number: carte_fidelite # identifier kind declared above\n",
    }
    full_path, basic_path = out_dir / "idgraph.yaml", out_dir / "idgraph-basic.yaml"
    full_path.write_text(full, encoding="utf-8")
    basic_path.write_text(basic, encoding="utf-8")
    return full_path, basic_path
