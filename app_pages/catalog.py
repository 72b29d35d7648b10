"""The catalog: a searchable, filterable table of models, a licence view and a provider view."""

import pandas as pd
import streamlit as st

from app_pages import ui
from grid.catalog import is_stale, newest_source_check
from grid.licensing import Scale, license_clauses, read_license

ui.init_state()
cat = ui.catalog()
q = ui.questionnaire()
today = ui.today()
scale = Scale.from_answers(ui.answers(), q)

st.title("Catalog")
st.caption(
    f"{cat.summary()}. Every fact carries its source and the day it was checked; entries not checked "
    "for more than 180 days are marked stale. What nobody has checked is left empty."
)
if cat.problems:
    with st.expander(f"The catalog file has {len(cat.problems)} problem(s); the valid entries are shown", expanded=False):
        st.code("\n".join(cat.problems), language=None)

models_tab, licences_tab, providers_tab = st.tabs(["Models", "Licences", "Sellers"])
STATUS_LABEL = {"ga": "generally available", "preview": "preview", "deprecated": "deprecated", "retired": "retired"}
KIND_LABEL = {"first_party": "the lab's own API", "hyperscaler": "cloud endpoint", "inference_provider": "inference provider", "aggregator": "aggregator (resale)"}


def _money(x):
    return f"${x:,.2f}" if x is not None else "—"


def _n(x):
    """A number for a table cell at sensible precision, or a dash: a cell never reads "None"."""
    if x is None:
        return "—"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def _usd(x):
    return "—" if x is None else f"${x:,.2f}"


def shown_frame(rows):
    """The rows as a table: the Stale column only when an entry is stale, and no empty cell as "None"."""
    frame = pd.DataFrame(rows)
    if "Stale" in frame and not frame["Stale"].astype(bool).any():
        frame = frame.drop(columns=["Stale"])
    return frame.fillna("—")


def sources_table(sources, key):
    """Where an entry's facts were read, each a link with its checked date."""
    st.dataframe(
        pd.DataFrame([{"Source": x.url, "Checked": x.checked.isoformat()} for x in sources]),
        hide_index=True,
        key=key,
        column_config={"Source": st.column_config.LinkColumn("Source")},
    )


def _price_text(p):
    if p is None:
        return "—"
    seller = cat.provider_by_id[p.seller].name if p.seller in cat.provider_by_id else p.seller
    return f"{_money(p.input_usd_per_mtok)} in / {_money(p.output_usd_per_mtok)} out ({seller})"


with models_tab:
    c1, c2, c3 = st.columns([2, 1, 1])
    search = c1.text_input("Search", key="cat_search", placeholder="name, developer or id", help="Matches any part of the name, developer or id")
    weights = c2.radio("Weights", ["all", "open", "closed"], key="cat_weights", horizontal=True, format_func={"all": "All", "open": "Open", "closed": "Closed"}.get, help="Open weights can be downloaded and self-hosted")
    modality = c3.multiselect("Must accept", ["text", "image", "audio", "video"], key="cat_modality", help="Input modalities the model must handle")
    statuses = st.multiselect(
        "Status",
        list(STATUS_LABEL),
        default=["ga", "preview", "deprecated"],
        key="cat_status",
        format_func=STATUS_LABEL.get,
        help="Retired models are hidden unless you add them; they are never shortlisted or costed",
    )
    c4, c5, c6, c7 = st.columns(4)
    commercial = c4.checkbox("Commercial at my scale", key="cat_commercial", help="Reads each licence against your answers on monthly users and revenue (Your scale step)")
    self_host = c5.checkbox("Self-hostable", key="cat_selfhost", help="Open weights only")
    min_context = c6.number_input("Minimum context (thousand tokens)", min_value=0, max_value=10_000, value=0, step=32, key="cat_min_context", help="0 means no minimum")
    max_price = c7.number_input("Maximum output price ($ per M tokens)", min_value=0.0, max_value=1000.0, value=0.0, step=1.0, key="cat_max_price", help="0 means no maximum; models without a verified price are hidden when a maximum is set")
    st.caption(scale.describe())

    rows = []
    needle = search.strip().lower()
    for m in cat.models:
        if needle and needle not in f"{m.name} {m.developer} {m.id}".lower():
            continue
        if weights != "all" and m.weights != weights:
            continue
        if self_host and m.weights != "open":
            continue
        if modality and not set(modality) <= set(m.modalities):
            continue
        if m.status not in statuses:
            continue
        if min_context and (m.context_tokens or 0) < min_context * 1000:
            continue
        price = m.reference_price or m.best_price
        if max_price and (price is None or price.output_usd_per_mtok > max_price):
            continue
        if m.weights == "open":
            reading = read_license(cat.license_by_id[m.license], m.developer, scale, today)
            usable = "yes" if reading.usable and not any(f.startswith("If you go") for f in reading.flags) else ("no" if not reading.usable else "if below thresholds")
            terms = cat.license_by_id[m.license].name
        else:
            usable = "yes (API terms)"
            terms = cat.provider_by_id[m.provider].name
        if commercial and usable == "no":
            continue
        cheapest = m.best_price
        sellers = sorted({cat.provider_by_id[p.seller].name for p in m.prices if p.seller in cat.provider_by_id})
        rows.append(
            {
                "Model": m.name,
                "Status": STATUS_LABEL[m.status],
                "Retires on": m.retires_on.isoformat() if m.retires_on else "",
                "Developer": m.developer,
                "Weights": m.weights,
                "Licence or provider": terms,
                "Commercial at my scale": usable,
                "Tier": m.tier,
                "Inputs": ", ".join(m.modalities),
                "Context (tokens)": _n(m.context_tokens),
                "Params total (B)": _n(m.parameters_total_b),
                "Params active (B)": _n(m.parameters_active_b),
                "Input $/M": _usd(price.input_usd_per_mtok if price else None),
                "Output $/M": _usd(price.output_usd_per_mtok if price else None),
                "Price from": (
                    (cat.provider_by_id[price.seller].name + (" (the lab's own API: the reference)" if price is m.reference_price else " (no first-party price)"))
                    if price
                    else "no price"
                ),
                "Cheapest seller $/M": _price_text(cheapest) if cheapest is not None and cheapest is not price else "",
                "Sold by": ", ".join(sellers) or "—",
                "Price source": price.source if price else "",
                "Checked": m.newest_checked.isoformat(),
                "Stale": "stale" if is_stale(m.newest_checked, today) else "",
                "Confidence": m.confidence,
                "Source": m.sources[0].url,
            }
        )
    st.markdown(f"**{len(rows)} of {len(cat.models)} models**")
    st.dataframe(
        shown_frame(rows),
        hide_index=True,
        key="cat_table",
        column_config={
            "Model": st.column_config.TextColumn("Model", pinned=True),
            "Price source": st.column_config.LinkColumn("Price source", display_text="price page"),
            "Source": st.column_config.LinkColumn("Source", display_text="source"),
        },
    )

with licences_tab:
    lic_id = st.selectbox(
        "Licence",
        [x.id for x in cat.licenses],
        key="cat_license",
        format_func=lambda lid: cat.license_by_id[lid].name,
        help="Each clause in plain words, with its source",
    )
    lic = cat.license_by_id[lic_id]
    checked = newest_source_check(lic)
    used_by = [m.name for m in cat.models if m.license == lic.id]
    st.subheader(lic.name)
    st.caption(
        f"Confidence: {lic.confidence} · last checked {checked.isoformat()}"
        + (" · STALE (over 180 days)" if is_stale(checked, today) else "")
        + (f" · used by: {', '.join(used_by)}" if used_by else " · no catalogued model uses it")
    )
    st.dataframe(pd.DataFrame(license_clauses(lic), columns=["Clause", "In plain words"]), hide_index=True, key="cat_license_clauses")
    developer = next((m.developer for m in cat.models if m.license == lic.id), "the licensor")
    reading = read_license(lic, developer, scale, today)
    st.markdown("**What it means for you**")
    st.caption(scale.describe())
    if reading.blocking:
        st.error(reading.blocking, icon=":material/block:")
    st.markdown("\n".join(f"- {ui.md_escape(f)}" for f in reading.flags) or "Nothing to flag.")
    if lic.notes:
        st.markdown("**Notes**")
        st.text(lic.notes)
    sources_table(lic.sources, "cat_license_sources")

with providers_tab:
    st.markdown(
        "Every seller in the catalog: the labs' own APIs, the clouds' managed endpoints, open-weight inference "
        "providers and aggregators, with the data terms a review board asks about first, each read on the seller's "
        "own trust, legal or docs pages. An empty cell means nobody has checked it."
    )
    kinds = st.multiselect("Kind of seller", list(KIND_LABEL), default=list(KIND_LABEL), format_func=KIND_LABEL.get, key="cat_seller_kinds")
    shown = [p for p in cat.providers if p.kind in kinds]
    yes_no = {True: "yes", False: "no", None: "not known"}
    st.dataframe(
        shown_frame(
            [
                {
                    "Seller": p.name,
                    "Kind": KIND_LABEL[p.kind],
                    "Trains on API data by default": yes_no[p.trains_on_api_data_by_default],
                    "Zero data retention": p.zero_data_retention.replace("_", " "),
                    "Retention": p.retention or "not known",
                    "Regions": ", ".join(p.regions) or "not known",
                    "Attestations": p.attestation_words(),
                    "DPA offered": yes_no[p.dpa],
                    "Models sold": sum(1 for m in cat.models if any(x.seller == p.id for x in m.prices)),
                    "Confidence": p.confidence,
                    "Checked": newest_source_check(p).isoformat(),
                    "Stale": "stale" if is_stale(newest_source_check(p), today) else "",
                    "Source": p.sources[0].url,
                }
                for p in shown
            ]
        ),
        hide_index=True,
        key="cat_providers",
        column_config={"Seller": st.column_config.TextColumn("Seller", pinned=True), "Source": st.column_config.LinkColumn("Source", display_text="source")},
    )
    if shown:
        sid = st.selectbox("Terms and sources of one seller", [p.id for p in shown], format_func=lambda x: cat.provider_by_id[x].name, key="cat_seller")
        p = cat.provider_by_id[sid]
        st.subheader(p.name)
        st.caption(f"{KIND_LABEL[p.kind]} · confidence: {p.confidence} · last checked {newest_source_check(p).isoformat()}")
        if p.notes:
            st.text(p.notes)
        sources_table(p.sources, "cat_seller_sources")
        sold = [
            {
                "Model": m.name,
                "Status": STATUS_LABEL[m.status],
                "Price $/M": _price_text(x),
                "Regions": ", ".join(x.regions) if x.regions else "the seller's regions",
                "Confidence": x.confidence,
                "Price source": x.source,
                "Checked": x.checked.isoformat(),
            }
            for m in cat.models
            for x in m.prices
            if x.seller == p.id
        ]
        if sold:
            st.dataframe(
                pd.DataFrame(sold),
                hide_index=True,
                key="cat_seller_models",
                column_config={"Price source": st.column_config.LinkColumn("Price source", display_text="price page")},
            )
