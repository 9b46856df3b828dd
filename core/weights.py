"""Weights files: a trained network a student takes home, and brings back to the playground or to
a page to train on.

A file is `torch.save` of plain values and tensors only: the state_dict, and what rebuilds the
network it fits (the spec's fields, a CNN's layers among them, the dataset and its classes, the training
config, the format's version). Uploads are read with `torch.load(weights_only=True)`, which refuses anything that would
run code, and then checked against the network the file's spec builds (keys and shapes, strictly),
so a bad file is refused with a short reason the page translates and nothing else changes:

    try:
        weights = load(upload_bytes, networks=("cnn",))
    except WeightsError as error:
        print(error.reason)                         # "unsafe", "unreadable", "mismatch", ...
    model = weights.build()                         # the trained network, in eval mode
"""

from __future__ import annotations

import dataclasses
import io
import pickle
import pickletools
import warnings
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from core.base import MAX_UPLOAD_BYTES
from core.models import CNNSpec, ModelSpec, RegressorSpec, RNNClassifierSpec
from core.network_spec import format_blocks, tutorial_blocks

FORMAT = "livelab-weights"  # what a file says it is
VERSION = 3  # the format's version; a newer file is refused, not misread
NETWORK_FIELD = {1: "kind", 2: "network", 3: "network"}  # where each version names its network (spec name)
SPECS = {spec.name: spec for spec in (CNNSpec, RNNClassifierSpec, RegressorSpec)}
CLASSIFIER_NETWORKS = (CNNSpec.name, RNNClassifierSpec.name)  # the networks the playground can ask
# why a file is refused (the page translates each: locales/*/history.toml, [errors])
REASONS = ("empty", "too_large", "unpacks_too_large", "unsafe", "unreadable", "not_weights", "newer_version",
           "wrong_network", "bad_spec", "mismatch_keys", "mismatch", "not_finite", "wrong_classes")


class WeightsError(ValueError):
    """An upload that cannot be used. `reason` is a short key the page translates; `detail` fills
    its placeholders (a layer's name and shapes, the network found, the sizes)."""

    def __init__(self, reason: str, **detail: Any):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Weights:
    """A trained network as values: its spec, its tensors (on the CPU) and where they came from."""

    spec: ModelSpec
    state_dict: Mapping[str, torch.Tensor]
    config: Mapping[str, Any]  # the training config's fields, as the run had them
    dataset: str | None = None  # what a classifier was trained on
    classes: tuple[str, ...] = ()
    steps: int = 0  # optimisation steps the weights have had

    @property
    def nbytes(self) -> int:
        return sum(tensor.nbytes for tensor in self.state_dict.values())

    def build(self) -> nn.Module:
        """The network with these weights, in eval mode."""
        model = self.spec.build(seed=0)
        model.load_state_dict(self.state_dict, strict=True)
        return model.eval()


def cpu_copy(model: nn.Module) -> dict[str, torch.Tensor]:
    """The model's state_dict copied to the CPU: it stays as it is while the model trains on."""
    return {name: tensor.detach().to("cpu", copy=True) for name, tensor in model.state_dict().items()}


def to_bytes(weights: Weights) -> bytes:
    """The file a student downloads."""
    payload = {
        "format": FORMAT, "version": VERSION, NETWORK_FIELD[VERSION]: weights.spec.name,
        "spec": dataclasses.asdict(weights.spec), "config": dict(weights.config),
        "dataset": weights.dataset, "classes": list(weights.classes), "steps": weights.steps,
        "state_dict": dict(weights.state_dict),
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def load(data: bytes, networks: Collection[str], num_classes: int | None = None) -> Weights:
    """A file's weights, checked: read without running anything in it, of one of `networks` (spec
    names), rebuilding its spec's network exactly, and with `num_classes` outputs when given.
    Raises WeightsError otherwise."""
    if not data:
        raise WeightsError("empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise WeightsError("too_large", size=len(data), limit=MAX_UPLOAD_BYTES)
    payload = _read(data)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or not isinstance(payload.get("version"), int):
        raise WeightsError("not_weights")
    if payload["version"] > VERSION:
        raise WeightsError("newer_version", version=payload["version"])
    network = payload.get(NETWORK_FIELD.get(payload["version"], ""))
    if network not in SPECS:
        raise WeightsError("not_weights")
    if network not in networks:
        raise WeightsError("wrong_network", found=network)
    spec = _spec(network, _upgraded(network, payload["version"], payload.get("spec")))
    classes = _classes(spec, payload.get("classes"))
    state = payload.get("state_dict")
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise WeightsError("not_weights")
    _check_fits(spec, state)
    if num_classes is not None and getattr(spec, "num_classes", num_classes) != num_classes:
        raise WeightsError("wrong_classes", found=spec.num_classes, expected=num_classes)
    config, dataset, steps = payload.get("config"), payload.get("dataset"), payload.get("steps")
    return Weights(spec, state, config if isinstance(config, dict) else {},
                   dataset if isinstance(dataset, str) else None, classes, steps if isinstance(steps, int) else 0)


def _read(data: bytes) -> Any:
    """The file's contents, read by torch.load(weights_only=True) once the file is known to be what
    torch.save writes: a zip archive that unpacks to no more than the upload limit (its entries are
    stored, not compressed). Nothing else reaches torch.load: a small compressed archive can unpack
    to gigabytes, and the older non-zip format allocates whatever storage sizes a file declares."""
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise WeightsError("unsafe" if _names_code(data) else "unreadable")
    try:
        with zipfile.ZipFile(buffer) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise WeightsError("unreadable") from error
    if unpacked > MAX_UPLOAD_BYTES:
        raise WeightsError("unpacks_too_large", size=unpacked, limit=MAX_UPLOAD_BYTES)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about pickle protocols it will then refuse
            return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        # weights_only names the GLOBAL (a function or class: code) it refused to load; any other
        # refusal is bytes it could not make sense of
        raise WeightsError("unsafe" if "GLOBAL" in str(error) else "unreadable") from error
    except Exception as error:  # noqa: BLE001 - truncated or not a torch file: every reader error means that
        raise WeightsError("unreadable") from error


def _names_code(data: bytes) -> bool:
    """Whether `data`, a bare pickle, names a function or class to call (read opcode by opcode,
    never run): a file made with pickle.dump rather than torch.save."""
    if not data.startswith(pickle.PROTO):
        return False
    try:
        for opcode, _, _ in pickletools.genops(data):
            if opcode.name in ("GLOBAL", "STACK_GLOBAL", "INST"):
                return True
    except ValueError:  # cut short or not a pickle after all: what was read named no code
        pass
    return False


def _spec(network: str, fields: Any) -> ModelSpec:
    """The spec the file describes; its own bounds apply, as for a spec from the sidebar."""
    if not isinstance(fields, dict):
        raise WeightsError("bad_spec")
    try:
        return SPECS[network](**fields)
    except (TypeError, ValueError) as error:
        raise WeightsError("bad_spec") from error


def _upgraded(network: str, version: int, fields: Any) -> Any:
    """A spec's fields as this version names them. Before version 3 a CNN was the tutorial's two blocks,
    named by their channels and one kernel size; now it is its layers in the link grammar."""
    legacy = ("conv1_channels", "conv2_channels", "kernel_size")
    if network != CNNSpec.name or version >= 3 or not isinstance(fields, dict) or not set(legacy) <= set(fields):
        return fields
    rest = {name: value for name, value in fields.items() if name not in legacy}
    try:
        blocks = tutorial_blocks((fields["conv1_channels"], fields["conv2_channels"]), fields["kernel_size"])
    except TypeError as error:
        raise WeightsError("bad_spec") from error
    return rest | {"blocks": format_blocks(blocks)}


def _classes(spec: ModelSpec, classes: Any) -> tuple[str, ...]:
    if not isinstance(classes, list) or not all(isinstance(name, str) for name in classes):
        raise WeightsError("bad_spec")
    if spec.name in CLASSIFIER_NETWORKS and len(classes) != spec.num_classes:
        raise WeightsError("bad_spec")
    return tuple(classes)


def _check_fits(spec: ModelSpec, state: dict[str, torch.Tensor]) -> None:
    """Keys and shapes exactly those of the spec's network, every value finite, then a strict load
    into that network. The shapes are compared on the meta device first (no memory), so a small
    file that names a huge spec costs nothing, and the reason can name the first layer that differs."""
    with torch.device("meta"):
        expected = {name: tuple(tensor.shape) for name, tensor in spec.build(seed=0).state_dict().items()}
    odd = sorted(expected.keys() ^ state.keys())
    if odd:
        raise WeightsError("mismatch_keys", layer=odd[0])
    for name, shape in expected.items():
        if tuple(state[name].shape) != shape:
            raise WeightsError("mismatch", layer=name, found=_shape(state[name].shape), expected=_shape(shape))
        if not bool(torch.isfinite(state[name]).all()):
            raise WeightsError("not_finite", layer=name)
    spec.build(seed=0).load_state_dict(state, strict=True)  # what fits the checks above loads


def _shape(shape) -> str:
    return " × ".join(map(str, shape)) or "1"
