"""Every training setting's one source, without torch: the typed options a run is made of.

What a run depends on is declared here once, as dataclasses with typed fields (``Literal`` types
for choices), and validated here: :class:`TrainConfig` (its speed-only fields marked in their
metadata), the MTE's :class:`MTEConfig`, the AFM's :class:`AFMConfig`, and the options of every
residual extractor (:data:`RESIDUAL_OPTIONS`), fusion (:data:`FUSION_OPTIONS`) and registered
model (:data:`MODEL_OPTIONS`), each a dataclass, or None for one without options.

Why a module of its own rather than torch imported lazily where the settings used to live: the
settings and the modules that build networks from them change for different reasons, and a module
that defines ``nn.Module`` classes cannot define them without torch. Here the settings import the
standard library only, so validating params.yaml (:mod:`grnet.pipeline.params`, ``grnet
experiment plan``), the command line's flags and the pipeline's plan never load torch, timm or
OpenCV. The torch modules import their options from here and re-export them under their old names
(:mod:`grnet.train`'s ``TrainConfig``, :mod:`grnet.residuals`' ``MTEConfig``, :mod:`grnet.fusion`'s
``AFMConfig``, :mod:`grnet.precision`'s ``PRECISIONS``, :mod:`grnet.data.dataset`'s ``TASKS``).

The builders cannot drift from their options: :func:`grnet.models.register` and
:mod:`grnet.residuals` check, when they are imported, that each builder's keywords and defaults
are its options class's fields and defaults (:func:`check_builder`). A new detector may still be
its module alone: a model that has no entry in :data:`MODEL_OPTIONS` has its options read from
its builder's keywords, which loads the model registry (and torch).

A run's identity is the canonical dict of its :class:`TrainConfig` (every option, defaults filled
in; see :func:`grnet.train.result_settings`): moving these classes here changed no run key.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin, get_type_hints

from grnet.options import OptionsError, canonical, typed_values

Precision = Literal["auto", "bf16", "fp32"]
PRECISIONS: tuple[str, ...] = get_args(Precision)
Task = Literal["binary", "multiclass"]
TASKS: tuple[str, ...] = get_args(Task)
Selection = Literal["auto", "acc", "auc", "loss"]
SELECTIONS: tuple[str, ...] = get_args(Selection)
ClassWeights = Literal["none", "balanced"]
CLASS_WEIGHTS: tuple[str, ...] = get_args(ClassWeights)
AugmentOn = Literal["cpu", "device"]
AUGMENT_ON: tuple[str, ...] = get_args(AugmentOn)

Guidance = Literal["color", "gray", "channel"]
GUIDANCE_MODES: tuple[str, ...] = get_args(Guidance)
ATTENTION_MODES = ("residual", "plain")
ALPHA_UPDATES = ("epoch", "running")

# The second stream of the two-stream models that is no residual extractor: the RGB image again.
RGB = "rgb"


@dataclass(frozen=True)
class MTEConfig:
    """The MTE's settings (Eq 11); the paper publishes none of them (mirrored in params.yaml).

    - ``radius`` 2 (5 x 5 windows): the guided filter keeps, as content, every structure that the local
      linear model can follow over 5 px; what is left are traces finer than that: GAN up-sampling
      patterns (period 2-4 px), demosaicing and resampling noise, the 8 x 8 JPEG grid's edges. Wider
      windows keep less of a fine trace in the residual and leak more edges into it.
    - ``eps`` 1e-2: a window whose standard deviation is below ~0.1 (~25 grey levels of 255) counts as
      flat and is smoothed, so its fine variation becomes residual; stronger edges (variance >> eps)
      get a ~ 1 and are kept as content, so face contours stay out of the residual (Eq 11's q = C).
      A larger eps keeps more of a trace but lets strong edges into the residual; a smaller one
      keeps less of the trace.
    - ``guidance`` "color": the image guides itself with its 3 colour channels (He et al.'s colour
      guide), so edges that differ in colour but not in brightness are kept as content too, out
      of the residual. "gray" (luma guide) and "channel" (each channel guides itself) remain options.
    - ``scale`` 10: guided residuals of photos are small (a few hundredths of the [0, 1] range);
      scaling brings them to the order of the RGB stream that the same backbone sees. The paper
      itself shows them "enlarged five times" (Fig. 4).

    These are the reasons for the defaults, not measurements; notebooks 01 and 02 take the radius
    and eps as parameters.

    Raises:
        ValueError: a setting the MTE cannot use (radius an integer >= 1, eps and scale > 0,
            guidance one of :data:`GUIDANCE_MODES`).
    """

    radius: int = 2
    eps: float = 1e-2
    guidance: Guidance = "color"
    scale: float = 10.0

    def __post_init__(self) -> None:
        if isinstance(self.radius, bool) or not isinstance(self.radius, int) or self.radius < 1:
            raise ValueError(f"MTE radius must be an integer >= 1, got {self.radius!r}")
        if not self.eps > 0 or not self.scale > 0:
            raise ValueError(f"MTE eps and scale must be > 0, got eps={self.eps!r}, scale={self.scale!r}")
        if self.guidance not in GUIDANCE_MODES:
            raise ValueError(f"unknown guidance {self.guidance!r}; expected one of {GUIDANCE_MODES}")


@dataclass(frozen=True)
class AFMConfig:
    """The AFM's options: the choices the paper leaves open (mirrored in params.yaml).

    - ``alpha_update="epoch"`` (default): alpha is recomputed by the AFM's ``on_epoch_end`` hook from the
      mean of that epoch's training-batch stream losses and held fixed during the next epoch,
      following "the weights are iteratively updated through the loss value of each epoch";
      the first epoch uses 0.5 / 0.5 (equal losses). The trainer calls it after the epoch's
      validation and best checkpoints (:mod:`grnet.train`), so those, and the test split, use
      the alpha the epoch's weights trained with. ``"running"``: after every training batch,
      from an exponential running mean of the stream losses (``alpha_momentum``, starting from
      0 so alpha starts at 0.5), for short runs where a per-epoch update comes too late to matter;
      evaluation then uses the alpha after the epoch's last batch, one update after the alpha
      that batch trained with.
    - alpha is always detached: it is a constant of the forward pass. A gradient through Eq 14
      would reward a stream for raising its own loss (to shift weight onto the other) and would
      need the labels inside ``forward(x)``, which the model protocol does not give.
    - The total loss is ``CE(D(F), y) + stream_loss_weight * (L_1 + L_2)``; the trainer adds this
      module's auxiliary loss to the detector's. The stream heads must be trained for L_1, L_2 to
      say which stream is better (untrained heads give L_1 = L_2 = log K and alpha stuck at 0.5);
      weight 1 (default) treats them as plain deep supervision.
    - Only training-mode batches count towards the losses behind alpha, so validation passes do
      not change it.
    - ``attention``: ``"residual"`` (default, DANet's gamma-scaled residual form) or ``"plain"``
      (Eqs 12-13 verbatim); see :class:`ChannelAttention`.

    Raises:
        ValueError: a value outside the choices above (``alpha_momentum`` in (0, 1],
            ``stream_loss_weight`` >= 0).
    """

    attention: Literal["residual", "plain"] = "residual"
    alpha_update: Literal["epoch", "running"] = "epoch"
    alpha_momentum: float = 0.1
    stream_loss_weight: float = 1.0

    def __post_init__(self) -> None:
        if self.attention not in ATTENTION_MODES:
            raise ValueError(f"attention mode must be one of {ATTENTION_MODES}, got {self.attention!r}")
        if self.alpha_update not in ALPHA_UPDATES:
            raise ValueError(f"alpha_update must be one of {ALPHA_UPDATES}, got {self.alpha_update!r}")
        if not 0.0 < self.alpha_momentum <= 1.0:
            raise ValueError(f"alpha_momentum must be in (0, 1], got {self.alpha_momentum}")
        if self.stream_loss_weight < 0:
            raise ValueError(f"stream_loss_weight must be >= 0, got {self.stream_loss_weight}")


MTE_DEFAULTS: dict[str, Any] = dataclasses.asdict(MTEConfig())


@dataclass(frozen=True)
class SRMOptions:
    """:class:`grnet.residuals.SRMResidual`'s: ``per_channel`` filters each colour channel apart."""

    per_channel: bool = False


@dataclass(frozen=True)
class BayarOptions:
    """:class:`grnet.residuals.BayarConv2d`'s: the constrained convolution's shape."""

    in_channels: int = 3
    out_channels: int = 3
    kernel_size: int = 5


@dataclass(frozen=True)
class AdaptiveResidualOptions:
    """:class:`grnet.residuals.AdaptiveResidual`'s (AMTEN's trace): its channels."""

    channels: int = 3


# Every residual extractor's options (None: it takes none).
RESIDUAL_OPTIONS: dict[str, type | None] = {
    "mte": MTEConfig,
    "highpass": None,
    "srm": SRMOptions,
    "bayar": BayarOptions,
    "amten": AdaptiveResidualOptions,
}

# Every fusion's options (None: it takes none).
FUSION_OPTIONS: dict[str, type | None] = {
    "afm": AFMConfig,
    "max": None,
    "min": None,
    "sum": None,
    "concat": None,
}
FUSIONS: tuple[str, ...] = tuple(FUSION_OPTIONS)


def _options(
    kind: str, table: Mapping[str, type | None], name: str, options: Any, where: str
) -> dict[str, Any]:
    """The canonical options (every field, defaults filled in) of ``kind`` ``name`` in ``table``."""
    if name not in table:
        raise KeyError(f"{where}: unknown {kind} {name!r}; available: {', '.join(sorted(table))}")
    cls = table[name]
    if cls is None:
        if options:
            raise OptionsError(f"{where}: unknown option(s) {sorted(options)}; {kind} {name!r} takes none")
        return {}
    return canonical(cls, options, where)


def residual_options(name: str, options: Mapping[str, Any] | None, where: str) -> dict[str, Any]:
    """The canonical options of residual extractor ``name`` (:data:`RESIDUAL_OPTIONS`). Raises
    :class:`grnet.options.OptionsError` on an unknown key (named with the allowed ones) or value,
    and ``KeyError`` on an unknown extractor."""
    return _options("residual", RESIDUAL_OPTIONS, name, options, where)


def fusion_options(name: str, options: Mapping[str, Any] | None, where: str) -> dict[str, Any]:
    """The canonical options of fusion ``name`` (:data:`FUSION_OPTIONS`). Raises
    :class:`grnet.options.OptionsError` on an unknown key (named, with the allowed ones) or a bad
    value, or ``KeyError`` on an unknown fusion."""
    return _options("fusion", FUSION_OPTIONS, name, options, where)


@dataclass(frozen=True)
class PretrainedOptions:
    """A model whose only option is its ImageNet initialisation: ``"none"`` or ``"imagenet"``."""

    pretrained: str = "none"


@dataclass(frozen=True)
class ResidualResNet18Options:
    """``residual_resnet18``: one ResNet-18 on a residual (see :class:`GRnetOptions`)."""

    pretrained: str = "none"
    residual: str = "mte"
    residual_options: dict[str, Any] | None = None
    residual_norm: str = "batchnorm"


@dataclass(frozen=True)
class GRnetOptions:
    """GRnet's options, the switches of the paper's ablations (:class:`grnet.models.grnet.GRnet`):
    the second stream's ``residual`` (a :data:`RESIDUAL_OPTIONS` name or :data:`RGB`) and its
    ``residual_options``, the ``fusion`` (:data:`FUSION_OPTIONS`) and its ``fusion_options``."""

    pretrained: str = "none"
    residual: str = "mte"
    fusion: str = "afm"
    residual_options: dict[str, Any] | None = None
    residual_norm: str = "batchnorm"
    fusion_options: dict[str, Any] | None = None


@dataclass(frozen=True)
class MesoOptions:
    """MesoNet's (``meso4``, ``mesoinception4``): the dropout before its last layer."""

    dropout: float = 0.5


@dataclass(frozen=True)
class HighPassNetOptions:
    """:class:`grnet.models.highpass.HighPassNet`'s."""

    widths: tuple[int, ...] = (32, 64, 128)
    hidden: int = 256
    negative_slope: float = 0.1
    input_scale: float = 255.0
    grid: int = 8


@dataclass(frozen=True)
class MISLNetOptions:
    """:class:`grnet.models.mislnet.MISLNet`'s: its constrained filters."""

    constrained_filters: int = 3


@dataclass(frozen=True)
class AMTENOptions:
    """:class:`grnet.models.amten.AMTENnet`'s: the scale its input is multiplied by."""

    input_scale: float = 255.0


@dataclass(frozen=True)
class CapsuleOptions:
    """Capsule-Forensics' (:func:`grnet.models.baselines.capsule`)."""

    pretrained: str = "none"
    freeze_vgg: bool | None = None
    num_primary: int = 10
    output_dim: int = 4
    routing_iterations: int = 2
    routing_noise: float = 0.01
    routing_dropout: float = 0.05


# Every registered model's options (a model not listed has them read from its builder).
MODEL_OPTIONS: dict[str, type] = {
    "grnet": GRnetOptions,
    "resnet18": PretrainedOptions,
    "residual_resnet18": ResidualResNet18Options,
    "xception": PretrainedOptions,
    "capsule": CapsuleOptions,
    "meso4": MesoOptions,
    "mesoinception4": MesoOptions,
    "highpass": HighPassNetOptions,
    "mislnet": MISLNetOptions,
    "amten": AMTENOptions,
}


def model_options(name: str, options: Mapping[str, Any] | None, where: str) -> dict[str, Any]:
    """The canonical options of model ``name``: every option (:data:`MODEL_OPTIONS`), defaults
    filled in, the nested ``residual_options`` and ``fusion_options`` canonical too
    (:func:`residual_options`, :func:`fusion_options`; the :data:`RGB` stream's stay as written),
    so equal settings give equal dicts (and equal run keys). A model not in :data:`MODEL_OPTIONS`
    has its options read from its registered builder (:mod:`grnet.models`, which loads torch).

    Raises:
        KeyError: an unknown model.
        grnet.options.OptionsError: an unknown option (named, with the allowed ones) or value.
    """
    if name in MODEL_OPTIONS:
        out = canonical(MODEL_OPTIONS[name], options, where)
    else:
        from grnet.models import registered_options

        out = registered_options(name, options, where)
    residual = out.get("residual")
    if "residual_options" in out and residual is not None and residual != RGB:
        out["residual_options"] = residual_options(
            residual, out["residual_options"], f"{where}.residual_options"
        )
    if "fusion_options" in out:
        out["fusion_options"] = fusion_options(
            out["fusion"], out["fusion_options"], f"{where}.fusion_options"
        )
    return out


def check_builder(
    builder: Callable[..., Any], options: type | None, where: str, skip: tuple[str, ...] = ()
) -> None:
    """Raise ``TypeError`` unless ``builder``'s keywords (but ``skip`` and ``**kwargs``) and their
    defaults are the fields of the dataclass ``options`` (None: no keyword) and theirs."""
    parameters = inspect.signature(builder).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return  # takes its options class's fields as keywords (the MTE)
    taken = {p.name: p.default for p in parameters if p.name not in skip and p.name != "self"}
    declared = {f.name: f.default for f in dataclasses.fields(options)} if options is not None else {}
    if taken != declared:
        raise TypeError(f"{where}: the builder takes {taken}, its options class declares {declared}")


def _setting(default: Any, help: str, speed_only: bool = False, **flag: Any) -> Any:
    """A :class:`TrainConfig` field: its default, the help of its ``grnet train`` flag (and the
    flag's other argparse keywords, ``metavar``), and whether it changes speed only."""
    metadata = {"help": help, "flag": flag, **({"speed_only": True} if speed_only else {})}
    return field(default=default, metadata=metadata)


def choices(hint: Any) -> tuple[Any, ...] | None:
    """The values a ``Literal`` annotation allows (None for any other annotation)."""
    return get_args(hint) if get_origin(hint) is Literal else None


def check_choices(settings: Any) -> None:
    """Raise ``ValueError`` where a field of the dataclass instance ``settings`` annotated with a
    ``Literal`` holds a value outside it (naming the field, the choices and the value)."""
    hints = get_type_hints(type(settings))
    for f in dataclasses.fields(settings):
        allowed = choices(hints[f.name])
        value = getattr(settings, f.name)
        if allowed is not None and value not in allowed:
            raise ValueError(f"{f.name} must be one of {allowed}, got {value!r}")


def check_schedule(settings: Any) -> None:
    """Raise ``ValueError`` unless ``settings`` (a dataclass instance with ``epochs``,
    ``batch_size`` and ``gamma``) trains at least one epoch of batches of at least one image with a
    learning rate that decays by ``gamma`` in (0, 1] per epoch (1: constant; 0 would stop it after
    the first epoch, above 1 make it grow)."""
    if settings.epochs < 1 or settings.batch_size < 1:
        raise ValueError(f"epochs and batch_size must be >= 1, got {settings.epochs}, {settings.batch_size}")
    if not 0 < settings.gamma <= 1:
        raise ValueError(f"gamma, the decay per epoch, must be in (0, 1], got {settings.gamma!r}")


@dataclass
class TrainConfig:
    """Everything a run depends on. Defaults follow the paper and the authors' public PyTorch code
    (batch 64, 20 epochs, seed 7); the paper leaves epochs, batch and input size unpublished.

    ``limit`` keeps at most that many images per split (a seeded subset) for tiny runs.
    ``precision``: autocast policy (:mod:`grnet.precision`: ``auto`` is bfloat16 on a GPU or a CPU
    with native bfloat16, float32 elsewhere). ``preload`` decodes, post-processes and resizes each
    split once into memory and ``cache`` (a folder) into a file read by memory map
    (:class:`grnet.data.dataset.IndexedImages`); like ``workers`` they change speed only, never
    results. ``class_weights``: ``"none"`` (the paper's plain
    cross-entropy) or ``"balanced"``: each class's terms weighted by ``n / (K n_k)`` over the train
    split (:func:`sklearn.utils.class_weight.compute_class_weight`), the detector's and the AFM's
    stream losses alike, so a class four or five times as frequent as another (HFF binary: 5 fakes
    per real; FF++: a real frame per fake of each technique) does not pull a short training to
    always answering it. ``selection``: the validation metric that picks ``best.pt`` (one of
    :data:`SELECTIONS`; ``"auto"``: the task's, AUC for binary, accuracy for multi-class); a
    binary run also keeps the checkpoints best by the other of accuracy and AUC
    (:func:`kept_selections`).
    ``residual_in_workers`` computes the guided residual (Eq 11) in the loader's workers on the
    CPU with OpenCV, with the options of the model's own MTE, and hands it to the model beside
    the image (``model(image, residual)``); the model then skips its own MTE. Only for models
    with one MTE stream (``grnet``, ``residual_resnet18`` with ``residual="mte"``). ``workers``
    changes speed only, never results (augmentations are
    seeded per image and epoch, shuffling by the loader's generator).
    ``augment_on``: where the training augmentations run (:mod:`grnet.data.augment`): ``"cpu"``,
    each image in the loader's workers (Pillow), or ``"device"``, the batch on the training
    device in one warp per image. Both draw the same parameters for an item in an epoch; the
    pixels differ by interpolation (nearest vs bilinear rotation, one resampling instead of two),
    so it decides results and is part of a run's identity. Not with ``residual_in_workers``: the
    workers' residual would be that of the image before its warp.

    Raises:
        ValueError: a value outside its choices or bounds, or ``residual_in_workers`` with
            ``augment_on="device"`` and ``augment``.
    """

    model: str = _setting("grnet", "registered model name (grnet, resnet18, meso4, ...)")
    data: str = _setting("", "prepared dataset folder (with index.csv)")
    model_options: dict[str, Any] = field(default_factory=dict)  # --option KEY=VALUE, key by key
    task: Task = _setting("binary", "binary (real/fake) or multiclass (real and each technique)")
    postprocess: str | None = _setting(None, "post-processing of every split, e.g. jpeg:60, mean:5")
    image_size: int = _setting(128, "image side the model sees, in pixels")
    epochs: int = _setting(20, "training epochs")
    batch_size: int = _setting(64, "images per training step")
    lr: float = _setting(5e-4, "Adam's initial learning rate")
    gamma: float = _setting(0.5, "the learning rate's decay per epoch")
    seed: int = _setting(7, "seed of every random draw of the run")
    augment: bool = _setting(True, "no augmentation of the training images")
    augment_on: AugmentOn = _setting(
        "cpu",
        "where the training augmentations run: cpu (each image in the data workers) or device (the "
        "batch on the training device, one warp per image: the same parameters, other pixels)",
    )
    limit: int | None = _setting(None, "at most this many images per split (tiny runs)")
    residual_in_workers: bool = _setting(
        False,
        "compute the guided residual (MTE) in the data workers on the CPU (OpenCV) instead of "
        "in the model (for grnet and residual_resnet18 with residual=mte)",
    )
    precision: Precision = _setting("auto", "autocast: auto (bf16 where native), bf16 or fp32")
    class_weights: ClassWeights = _setting(
        "none", "cross-entropy class weights: none or balanced (inverse class frequency)"
    )
    selection: Selection = _setting(
        "auto",
        "validation metric that picks best.pt: auto (AUC for binary, ACC for multiclass), acc, auc or loss",
    )
    # Speed only, never results (left out of a run's identity, see result_settings):
    preload: bool = _setting(
        False, "decode, post-process and resize each split once into memory (speed only)", speed_only=True
    )
    cache: str | None = _setting(
        None,
        "decode, post-process and resize each split once into a file in DIR, read by memory map by "
        "this and later runs (speed only)",
        speed_only=True,
        metavar="DIR",
    )
    workers: int = _setting(2, "data loader worker processes (speed only)", speed_only=True)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], source: str = "config") -> TrainConfig:
        """The configuration of ``values`` (a YAML file's, the command line's), checked.

        Raises:
            ValueError: prefixed with ``source``: an unknown setting, no ``data``, a value of the
                wrong type (:func:`grnet.options.typed_values`: ``lr: 5e-4``, which YAML 1.1 reads
                as a string, is taken as the number), or an invalid value.
        """
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{source}: unknown setting(s) {unknown}; expected some of {sorted(known)}")
        if not values.get("data"):
            raise ValueError(f"{source}: no dataset given (data: a prepared folder with index.csv)")
        values = typed_values(cls, values, source)
        try:
            return cls(**values)
        except (ValueError, KeyError) as err:
            raise ValueError(f"{source}: {str(err).strip(chr(39))}") from None

    def __post_init__(self) -> None:
        # Canonical: every option with its default, so equal runs have equal settings (and keys).
        self.model_options = model_options(self.model, self.model_options, "model_options")
        check_choices(self)
        check_schedule(self)
        if self.image_size < 8:
            raise ValueError(f"image_size must be >= 8, got {self.image_size}")
        if self.residual_in_workers and self.augment and self.augment_on == "device":
            raise ValueError(
                "residual_in_workers needs augment_on='cpu' (or no augmentation): the workers' residual "
                "would be that of the image before the device warps it"
            )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# Settings that change speed, never results: left out of a run's identity.
SPEED_ONLY = tuple(f.name for f in dataclasses.fields(TrainConfig) if f.metadata.get("speed_only"))


def result_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that decide a run's results."""
    return {k: v for k, v in config.items() if k not in SPEED_ONLY}
