"""The data the pages share: the current source files (the bundled sample until the user uploads), the loaded
dataset (cached per file content), filters, as-of date, and the dashboard numbers (cached per selection).

Sessions are kept apart: a session's files live in its own `st.session_state` (dropped when replaced), and every
cache below is keyed by `Source.key`, the content digests of that session's own files and mapping — never by a
name two users could share — so a cached result can only be returned to a session holding the same bytes. The
caches are bounded (`max_entries`, `ttl`) so a room of sessions cannot grow the server without limit.
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from core.intake.conventions import ConventionChoice
from core.intake.loading import LoadResult, SchemaMatcher, load_lots, load_movements, load_planning, load_prices
from core.intake.mapping_file import header_signature
from core.intake.problems import InputError
from core.intake.reading import read_header
from core.intake.schema import LOTS, MOVEMENTS, FileSchema
from core.kpis.dashboard import (
    DashboardNumbers,
    Filters,
    apply_filters,
    build_dashboard,
    build_worklist,
    filter_options,
)
from core.kpis.measures import KpiSettings
from core.kpis.report import Dataset
from core.sim import day_step
from core.sim.backends import Backend, HereAndWorkers, remote_cluster
from core.sim.planning import PlanningParameters, derive_parameters, parameters_from_file
from core.storage import SAMPLE_DATASET, EditConflict, Store, database_url, dataset_key
from ui.i18n import language, t, worklist_label_codes
from ui.messages import simulated_skus_text

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
SCHEMAS: dict[str, FileSchema] = {"lots": LOTS, "movements": MOVEMENTS}
SOURCE_KEY = "source"
AS_OF_KEY = "as_of"
DATASET_KEY = "dataset_key"
CACHE_TTL = "2h"  # an idle session's cached figures go after two hours; its files stay in its own state


@dataclass(frozen=True)
class SourceFile:
    """A file the session shows: its name, a digest that keys the caches, and its bytes (kept in the session)."""

    name: str
    digest: str
    data: bytes = field(repr=False, compare=False)

    @classmethod
    def of(cls, name: str, data: bytes) -> SourceFile:
        return cls(name, hashlib.sha256(data).hexdigest()[:16], data)


@dataclass(frozen=True)
class Source:
    """Which files the app is showing, the user's column mappings and the reading conventions set by hand
    (decimal mark, day-first, currency; None = from the evidence)."""

    lots: SourceFile
    movements: SourceFile | None
    mapping: tuple[tuple[str, str], ...] = ()
    is_sample: bool = False
    movements_mapping: tuple[tuple[str, str], ...] = ()
    conventions: tuple[str | None, bool | None, str | None] = (None, None, None)
    prices: SourceFile | None = None  # a price list valuing a quantity-only stock list
    sheet: str | None = None  # the workbook sheet chosen by hand (None: the one that reads as a stock list)

    @property
    def key(self) -> str:
        parts = [self.lots.digest, self.movements.digest if self.movements else "-", json.dumps(self.mapping),
                 json.dumps(self.movements_mapping), json.dumps(self.conventions),
                 self.prices.digest if self.prices else "-", self.sheet or "-"]
        return "|".join(parts)

    @property
    def choice(self) -> ConventionChoice | None:
        return ConventionChoice(*self.conventions) if any(v is not None for v in self.conventions) else None

    def file(self, kind: str) -> SourceFile | None:
        return self.lots if kind == "lots" else self.movements

    def mapping_of(self, kind: str) -> dict[str, str]:
        return dict(self.mapping if kind == "lots" else self.movements_mapping)


def sample_source() -> Source:
    lots = SourceFile.of("lots.csv.gz", (SAMPLE / "lots.csv.gz").read_bytes())
    movements = SourceFile.of("movements.csv.gz", (SAMPLE / "movements.csv.gz").read_bytes())
    return Source(lots, movements, is_sample=True)


def current_source() -> Source:
    if SOURCE_KEY not in st.session_state:
        st.session_state[SOURCE_KEY] = sample_source()
    return st.session_state[SOURCE_KEY]


def _remembered(kind: str, file: SourceFile | None) -> dict:
    """The mapping saved for this file's layout (its header signature), or {}."""
    if file is None:
        return {}
    try:
        headers, _ = file_headers(kind, file.digest, file)
    except InputError:
        return {}
    return store().header_mapping(header_signature(kind, headers)) or {}


def use_upload(lots: tuple[str, bytes] | None, movements: tuple[str, bytes] | None) -> None:
    """Switch the app to uploaded files (either may stay as it is); a file whose layout was mapped by hand before
    gets that mapping (and those conventions) again, any other starts with the automatic mapping."""
    source = current_source()
    lots_file = SourceFile.of(*lots) if lots else source.lots
    movements_file = SourceFile.of(*movements) if movements else (None if source.is_sample else source.movements)
    lots_saved = _remembered("lots", lots_file) if lots else {}
    movements_saved = _remembered("movements", movements_file) if movements else {}
    lots_mapping = tuple(sorted(lots_saved.get("columns", {}).items())) if lots else source.mapping
    movements_mapping = (tuple(sorted(movements_saved.get("columns", {}).items())) if movements
                         else source.movements_mapping)
    conventions = tuple(lots_saved.get("conventions") or (None, None, None)) if lots else source.conventions
    if source.is_sample and not lots:
        lots_mapping, conventions = (), (None, None, None)
    st.session_state[SOURCE_KEY] = Source(lots_file, movements_file, lots_mapping, False, movements_mapping,
                                          conventions, prices=source.prices,
                                          sheet=None if lots else source.sheet)
    st.session_state.pop(AS_OF_KEY, None)


def _remember(kind: str, source: Source) -> None:
    file = source.file(kind)
    if file is None or source.is_sample:
        return
    headers, _ = file_headers(kind, file.digest, file)
    saved = {"columns": source.mapping_of(kind)}
    if kind == "lots":
        saved["conventions"] = list(source.conventions)
    store().save_header_mapping(header_signature(kind, headers), saved)


def set_mapping(mapping: dict[str, str], kind: str = "lots") -> None:
    """Reload the same files with the user's column mapping for `kind`, and remember it for this layout."""
    source = current_source()
    chosen = tuple(sorted(mapping.items()))
    updated = replace(source, **{"mapping" if kind == "lots" else "movements_mapping": chosen})
    st.session_state[SOURCE_KEY] = updated
    _remember(kind, updated)


def set_conventions(decimal: str | None, day_first: bool | None, currency: str | None) -> None:
    """Reload with the decimal mark, date order and currency set by hand (None = from the evidence); remembered."""
    source = current_source()
    updated = replace(source, conventions=(decimal, day_first, currency))
    st.session_state[SOURCE_KEY] = updated
    _remember("lots", updated)


def use_prices(prices: tuple[str, bytes] | None) -> None:
    """Value the stock list with an uploaded price list (None: without one)."""
    source = current_source()
    st.session_state[SOURCE_KEY] = replace(source, prices=SourceFile.of(*prices) if prices else None)


def use_sheet(sheet: str | None) -> None:
    """Read the stock list from this sheet of its workbook."""
    st.session_state[SOURCE_KEY] = replace(current_source(), sheet=sheet)


def use_sample() -> None:
    st.session_state[SOURCE_KEY] = sample_source()
    st.session_state.pop(AS_OF_KEY, None)


@st.cache_resource(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def _load(key: str, _source: Source) -> tuple[LoadResult, LoadResult | None, InputError | None]:
    """Both files; a movements file that cannot be used is reported, not fatal: the KPIs go on without it."""
    prices = None
    if _source.prices:
        prices = load_prices(_source.prices.data, name=_source.prices.name, choice=_source.choice)
    lots = load_lots(_source.lots.data, name=_source.lots.name, mapping=dict(_source.mapping) or None,
                     choice=_source.choice, sheet=_source.sheet, prices=prices)
    movements, problem = None, None
    if _source.movements:
        try:
            movements = load_movements(_source.movements.data, name=_source.movements.name,
                                       mapping=dict(_source.movements_mapping) or None, choice=_source.choice)
        except InputError as error:
            problem = error
    return lots, movements, problem


def loaded() -> tuple[LoadResult, LoadResult | None]:
    """The loaded files; raises InputError when the lots file cannot be used at all."""
    source = current_source()
    with st.spinner(t("data.loading")):
        return _load(source.key, source)[:2]


def movements_problem() -> InputError | None:
    """Why the movements file could not be used (the app then runs without ITO and DIO), or None."""
    source = current_source()
    return _load(source.key, source)[2]


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def file_headers(kind: str, digest: str, _file: SourceFile, sheet: str | None = None,
                 ) -> tuple[list[str], dict[str, str]]:
    """Headers of a lots or movements file (read from its first rows, of `sheet` in a workbook) and the automatic
    mapping by the headers, even when a required column is missing."""
    matcher = SchemaMatcher(SCHEMAS[kind])
    headers = read_header(_file.data, matcher, name=_file.name, sheet=sheet)
    return headers, matcher.mapping(headers)


def dataset() -> Dataset:
    lots, movements = loaded()
    return Dataset(lots.data, movements.data if movements else None, lots.currency)


def snapshot_dates() -> list[pd.Timestamp]:
    lots = dataset().lots
    if "snapshot_date" not in lots or lots["snapshot_date"].isna().all():
        return []
    return sorted(pd.to_datetime(lots["snapshot_date"].dropna().unique()))


def as_of() -> pd.Timestamp | None:
    return st.session_state.get(AS_OF_KEY)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def _options(key: str, _data: Dataset) -> dict[str, list[str]]:
    return filter_options(_data.lots)


def options() -> dict[str, list[str]]:
    return _options(current_source().key, dataset())


def filters() -> Filters:
    return Filters(**{c: tuple(st.session_state.get(f"filter_{c}") or ()) for c in Filters.__dataclass_fields__})


def settings() -> KpiSettings:
    return KpiSettings(day_basis=int(st.session_state.get("day_basis", 365)))


@st.cache_resource(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def _numbers(key: str, _data: Dataset, as_of_date: pd.Timestamp | None, selection: Filters,
             kpi_settings: KpiSettings) -> DashboardNumbers:
    """Kept as built, not pickled: a million-row file's worklist took seconds to pickle, and as long again to
    unpickle on every rerun of every page. `numbers` hands out copies a page may change."""
    return build_dashboard(_data, as_of_date, kpi_settings, selection)


def _own_copy(value: object) -> object:
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=False)  # copy on write: a change copies the changed column only
    return dict(value) if isinstance(value, dict) else value


def handed_out(kept: DashboardNumbers) -> DashboardNumbers:
    """The kept figures with tables and dictionaries of their own, which a page may change without touching the
    kept ones (they are shared by every session on the same file)."""
    return replace(kept, **{name: _own_copy(getattr(kept, name)) for name in DashboardNumbers.__dataclass_fields__})


def numbers(selection: Filters | None = None) -> DashboardNumbers:
    """Dashboard figures for the current data, as-of date and settings, within the sidebar's filters (or within
    `selection`: `Filters()` for the whole file)."""
    with st.spinner(t("common.computing")):
        chosen = filters() if selection is None else selection
        return handed_out(_numbers(current_source().key, dataset(), as_of(), chosen, settings()))


@st.cache_resource(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def _worklist(key: str, _data: Dataset, as_of_date: pd.Timestamp | None, selection: Filters) -> pd.DataFrame:
    """Kept apart from the other figures: only the Risk page shows it, and on a million-row file it takes longer
    than the rest of the Overview's figures together."""
    return build_worklist(_data, as_of_date, selection)


def worklist() -> pd.DataFrame:
    """The risk worklist for the current data, as-of date and filters: a copy of its own for the page."""
    with st.spinner(t("common.computing")):
        return _worklist(current_source().key, dataset(), as_of(), filters()).copy(deep=False)


UNREACHABLE_RETRY_SECONDS = 30.0


@st.cache_resource(max_entries=4, show_spinner=False)
def database(url: str) -> Store:
    """One engine per database for the whole server (SQLite in WAL mode copes with concurrent sessions)."""
    return Store(url, labels=worklist_label_codes())


def open_database() -> Store:
    """The server's database; one that did not answer when first asked (a database server started after the app,
    or restarting) is asked again at most every 30 s, so the app leaves read-only once it is back instead of
    staying so until restarted."""
    url = database_url()
    kept = database(url)
    if kept.unreachable and time.monotonic() - kept.opened_at >= UNREACHABLE_RETRY_SECONDS:
        database.clear(url)
        kept = database(url)
    return kept


@st.cache_resource(show_spinner=False)
def _shared_cluster(address: str) -> Backend:
    return remote_cluster(address)


def simulation_backend() -> Backend | None:
    """Where the optimiser's sweeps run: the Dask scheduler `IDB_DASK_SCHEDULER` names (one client per server,
    shared by its sessions; the same workers for every app server), else this server's own process (None)."""
    address = os.environ.get("IDB_DASK_SCHEDULER")
    return _shared_cluster(address) if address else None


CORES = os.cpu_count() or 1


@st.cache_resource(show_spinner=False)
def simulation_workers() -> ProcessPoolExecutor:
    """Processes for all cores but this one, shared by every session: a what-if scenario's replications and the
    optimiser's sweeps run side by side, on the compiled day step loaded as each starts."""
    return ProcessPoolExecutor(max(1, CORES - 1), mp_context=multiprocessing.get_context("spawn"),
                               initializer=day_step.prefer_compiled)


def sweep_backend() -> Backend | None:
    """The optimiser's backend: the Dask scheduler when there is one, else this server's cores (this process and
    its simulation workers), else this process alone (None)."""
    backend = simulation_backend()
    if backend is None and CORES > 1:
        return HereAndWorkers(simulation_workers(), max(1, CORES - 1))
    return backend


def dataset_key_of_source() -> str:
    """The key the current files' saved data lives under: the sample's own, or the upload's layout and warehouses."""
    source = current_source()
    if source.is_sample:
        return SAMPLE_DATASET
    remembered = st.session_state.get(DATASET_KEY)
    if remembered and remembered[0] == source.key:
        return remembered[1]
    lots, _ = loaded()
    warehouses = lots.data["warehouse"].dropna().unique().tolist() if "warehouse" in lots.data else []
    key = dataset_key([*lots.mapping.values(), *lots.unmatched], warehouses)
    st.session_state[DATASET_KEY] = (source.key, key)
    return key


def store() -> Store:
    """Saved data (worklist, targets, plan, scenarios) of the dataset on screen."""
    return open_database().for_dataset(dataset_key_of_source())


def warn_if_read_only() -> None:
    """The one warning when nothing can be saved: the figures still show, edits are not kept."""
    if not open_database().writable:
        st.warning(t("storage.read_only"), icon=":material/lock:")


def editor_key(name: str) -> str:
    """A data editor's key; a new one after a refused save, so the editor drops the user's edit and shows the
    saved value, and one per language: an editor keeps its edits as typed, so an edit of 100 (万) kept across a
    switch would be read as 100 ¥k by the next save, and a label of one language would sit among the other's."""
    return f"{name}_{st.session_state.get(f'{name}_generation', 0)}_{language()}"


def tell_conflict(name: str, conflict: EditConflict, describe: Callable[[object, dict], str]) -> None:
    """Tell the user their save lost to another session's, with what is saved now, and reset the editor.

    Called from the editor's callback; the message waits for `show_conflict` beside the editor (a callback's own
    output lands at the top of the page, out of sight of a user editing further down)."""
    saved = "; ".join(describe(key, values) for key, values in conflict.current.items())
    st.session_state[f"{name}_conflict"] = t("storage.conflict", saved=saved)
    st.session_state[f"{name}_generation"] = st.session_state.get(f"{name}_generation", 0) + 1


def show_conflict(name: str) -> None:
    """Where the editor is drawn: the news of its refused save, once."""
    told = st.session_state.pop(f"{name}_conflict", None)
    if told:
        st.warning(told, icon=":material/sync_problem:")


@st.cache_data(max_entries=8, ttl=CACHE_TTL, show_spinner=False)
def _planning(key: str, _data: Dataset, is_sample: bool, default_lead_time: float,
              as_of_date: pd.Timestamp | None) -> PlanningParameters | None:
    if is_sample:
        return parameters_from_file(load_planning(SAMPLE / "planning_parameters.csv"))
    if _data.movements is None:
        return None
    return derive_parameters(_data.lots, _data.movements, as_of_date, default_lead_time=default_lead_time)


@dataclass(frozen=True)
class SimulationInputs:
    """What the what-if and plan pages simulate: the parameters of the SKUs in the filters with their ABC class,
    the SKUs left out and why, the cache key of the parameters, and today's stock value the cash release starts
    from: the lots' TIV within the filters when the parameters come from the lots; None when they come from a
    parameters file, whose own on-hand × unit cost is then today's stock (both pages show that same figure)."""

    params: pd.DataFrame
    excluded: pd.DataFrame
    key: str
    current_value: float | None

    def scope_caption(self) -> str:
        """'2,000 SKUs simulated · 24 of them with no stock today · … · current stock = …': what is simulated and
        what the cash release starts from."""
        basis = t("whatif.current_from_file") if self.current_value is None else t("whatif.current_from_lots")
        return f"{simulated_skus_text(self.params, self.excluded)} · {basis}"


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def _simulation_inputs(source_key: str, _data: Dataset, is_sample: bool, default_lead_time: float,
                       as_of_date: pd.Timestamp | None, selection: Filters,
                       kpi_settings: KpiSettings) -> SimulationInputs | None:
    planning = _planning(source_key, _data, is_sample, default_lead_time, as_of_date)
    if planning is None:
        return None
    scope = apply_filters(_data, selection).lots["sku"].unique()
    params = planning.params[planning.params["sku"].isin(scope)].reset_index(drop=True)
    figures = _numbers(source_key, _data, as_of_date, selection, kpi_settings)
    params["abc_class"] = params["abc_class"].fillna(params["sku"].map(figures.abc.set_index("sku")["abc"]))
    params["abc_class"] = params["abc_class"].fillna("C")
    key = f"{source_key}|{selection}|{default_lead_time}|{as_of_date}"
    return SimulationInputs(params, planning.excluded, key, None if is_sample else figures.tiv)


def simulation_inputs(default_lead_time: float) -> SimulationInputs | None:
    """The inputs of a simulation for the current data, filters and as-of date (None without movements)."""
    source = current_source()
    return _simulation_inputs(source.key, dataset(), source.is_sample, default_lead_time, as_of(), filters(),
                              settings())


def tell_refused(name: str, reasons: list[str]) -> None:
    """Tell the user why typed values were not saved, beside the editor (`show_refused`), and reset the editor to
    what is saved."""
    st.session_state[f"{name}_refused"] = reasons
    st.session_state[f"{name}_generation"] = st.session_state.get(f"{name}_generation", 0) + 1


def show_refused(name: str) -> None:
    for reason in st.session_state.pop(f"{name}_refused", []):
        st.error(reason, icon=":material/error:")


EXACT_LEVELS_KEY = "wi_exact_levels"
PLAN_HANDOVER_KEY = "wi_plan_handover"  # the plan whose levels Plan & orders put on the what-if page
LEVEL_SLIDER = (80.0, 99.9)  # the what-if page's service-level sliders, in %, on a 0.1-point step
WHAT_IF_HORIZONS = (90, 180, 365, 730)  # the what-if page's horizons, in days


def set_service_level(key: str, level: float) -> None:
    """Put a service level (a fraction) on the what-if slider `key` and keep it exactly: the slider shows it on
    its 0.1-point step, rounded up (never a lower service than the level), and the scenario is simulated at the
    exact level for as long as the slider stays where it was put (a plan's 0.9712 is not simulated at 97.2 %)."""
    shown = min(LEVEL_SLIDER[1], max(LEVEL_SLIDER[0], math.ceil(round(level * 1000, 6)) / 10))
    st.session_state[key] = shown
    st.session_state.setdefault(EXACT_LEVELS_KEY, {})[key] = (shown, level)


def service_level(key: str, default: float = 95.0) -> float:
    """The service level (a fraction) of the what-if slider `key`: the exact level put there, unless the slider
    was moved since."""
    shown = st.session_state.get(key, default)
    kept = st.session_state.get(EXACT_LEVELS_KEY, {}).get(key)
    return kept[1] if kept is not None and kept[0] == shown else round(shown / 100, 4)


def exact_levels_in_force(keys: list[str]) -> dict[str, float]:
    """The exact levels of those sliders that still hold them."""
    kept = st.session_state.get(EXACT_LEVELS_KEY, {})
    return {key: kept[key][1] for key in keys if key in kept and kept[key][0] == st.session_state.get(key)}
