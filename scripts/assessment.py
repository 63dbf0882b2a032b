"""Assessment mode: what each exercise forbids, and the secret behind hidden inputs.

``make grade NB=... ASSESS=1`` and the Gradescope autograder grade each
exercise twice: first as the learner's notebook does (the self-study verdict),
then in assessment mode, where

- a check that calls the learner's function also tries it on hidden inputs,
  drawn from a seed the grader derives from a secret (:func:`exercise_seed`),
  so a function that only knows the answers for the notebook's inputs fails;
- an exercise listed in :data:`FORBIDDEN` is ``flagged`` when the learner's
  code calls, or passes to the check, one of the callables listed for it,
  however it reached them (see ``utils.checks.recording.CallWatch``).

The secret never enters the learner's kernel or the package the learner
installs. It comes from, in order: the environment variable
:data:`SECRET_VARIABLE`, the file :data:`SECRET_FILE` next to this script
(the autograder zip has one, written by ``make autograder``), or a fresh
random secret for one batch (then hidden inputs differ between two runs).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRET_VARIABLE = "NN_BOOK_ASSESSMENT_SECRET"
SECRET_FILE = "assessment-secret.txt"

#: What each "write it yourself" exercise forbids, by exercise label: dotted
#: names of callables (resolved only if the learner's kernel imported their
#: module). Add a line here when a new exercise asks the learner to write what
#: the book or a library already has.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    # Chapter 1, "Write the sigmoid": "Use np.exp".
    "ex-neurons-sigmoid": (
        "utils.activations.sigmoid",
        "scipy.special.expit",
        "tensorflow.math.sigmoid",
        "keras.activations.sigmoid",
        "keras.ops.sigmoid",
    ),
    # Chapter 5, "The output-size formula": the book's own function is the answer.
    "ex-convolution-output-size": ("utils.conv.conv_output_size",),
    # Chapter 5, "Your own conv2d": "Use loops and np.sum; don't call a library
    # convolution."
    "ex-convolution-conv2d": (
        "utils.conv.conv2d",
        "scipy.signal.correlate2d",
        "scipy.signal.convolve2d",
        "scipy.signal.correlate",
        "scipy.signal.convolve",
        "scipy.signal.fftconvolve",
        "scipy.ndimage.correlate",
        "scipy.ndimage.convolve",
        "tensorflow.nn.conv2d",
        "tensorflow.nn.convolution",
        "keras.ops.conv",
    ),
    # Chapter 6, "Write a max pool": the book's and the libraries' pooling.
    "ex-convnet-layers-my-max-pool": (
        "utils.conv.max_pool2d",
        "utils.checks.convnet_layers._pool",
        "tensorflow.nn.max_pool2d",
        "tensorflow.nn.max_pool",
        "keras.ops.max_pool",
        "skimage.measure.block_reduce",
    ),
    # Chapter 3, "The softmax gradient": "write it from NumPy operations".
    "ex-softmax-gradient": (
        "scipy.special.softmax",
        "scipy.special.log_softmax",
        "tensorflow.nn.softmax",
        "tensorflow.GradientTape",
        "keras.activations.softmax",
        "keras.ops.softmax",
    ),
    # Chapter 11, "The input gradient of a strided convolution": by zero
    # insertion and a correlation (utils.conv.conv2d is allowed), not by a
    # library's transposed convolution or automatic differentiation.
    "ex-modern-convnets-input-gradient": (
        "tensorflow.GradientTape",
        "tensorflow.nn.conv2d_transpose",
        "tensorflow.nn.conv_transpose",
        "tensorflow.compat.v1.nn.conv2d_backprop_input",
        "keras.ops.conv_transpose",
    ),
}


def forbidden(label: str) -> list[str]:
    """The callables exercise ``label`` forbids (none for most exercises)."""
    return list(FORBIDDEN.get(label, ()))


def read_secret(folder: Path = HERE) -> str | None:
    """The instructor's secret, from the environment or a file; None if neither."""
    value = os.environ.get(SECRET_VARIABLE, "").strip()
    if not value and (folder / SECRET_FILE).is_file():
        value = (folder / SECRET_FILE).read_text().strip()
    return value or None


def new_secret() -> str:
    return secrets.token_hex(32)


def notebook_digest(path: Path) -> str:
    """A digest of the submission's bytes: another notebook gets other inputs."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def exercise_seed(secret: str, digest: str, label: str) -> int:
    """The seed of one exercise's hidden inputs for one submission.

    Without the secret it cannot be computed; one exercise's seed tells nothing
    about another's; a resubmitted notebook that changed gets new inputs, so
    the messages of one run do not give away the cases of the next.
    """
    text = "\n".join((secret, digest, label)).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")
