"""Read a PyTorch checkpoint (state dict of tensors) into numpy arrays WITHOUT torch.

Supports both on-disk formats written by ``torch.save``:

* legacy format (torch < 1.6): a sequence of pickles -- magic number, protocol
  version, sys info, the object pickle (tensors refer to storages through
  persistent ids), the list of storage keys -- followed by the raw storages, each
  as a little-endian int64 element count and the element bytes;
* zip format (torch >= 1.6): ``<archive>/data.pkl`` plus ``<archive>/data/<key>``
  files holding the raw storage bytes.

Only what a plain state dict needs is implemented: ``torch._utils._rebuild_tensor_v2``
(and ``_rebuild_parameter``), the ``torch.*Storage`` classes and
``collections.OrderedDict``. Everything else is refused, so loading never runs
arbitrary code from the checkpoint.
"""
import collections
import io
import pickle
import struct
import zipfile

import numpy as np

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    def __init__(self, name):
        if name not in _STORAGE_DTYPES:
            raise pickle.UnpicklingError("unsupported storage type torch.%s" % name)
        self.name = name
        self.dtype = np.dtype(_STORAGE_DTYPES[name]).newbyteorder("<")


class _Storage:
    """A lazily filled flat storage; ``array`` is set once its bytes are read."""

    def __init__(self, stype, key, numel):
        self.stype = stype
        self.key = key
        self.numel = numel
        self.array = None


class _LazyTensor:
    def __init__(self, storage, offset, size, stride):
        self.storage = storage
        self.offset = offset
        self.size = tuple(size)
        self.stride = tuple(stride)

    def materialize(self):
        flat = self.storage.array
        if flat is None:
            raise ValueError("storage %s was never read" % self.storage.key)
        if len(self.size) == 0:
            return np.array(flat[self.offset], dtype=flat.dtype)
        itemsize = flat.dtype.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[self.offset:],
            shape=self.size,
            strides=tuple(s * itemsize for s in self.stride),
        )
        return np.ascontiguousarray(view).astype(flat.dtype.newbyteorder("="))


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    return _LazyTensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None):
    return data


class _Unpickler(pickle.Unpickler):
    def __init__(self, fileobj, storages):
        super().__init__(fileobj)
        self._storages = storages

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name.endswith("Storage"):
            return _StorageType(name)
        raise pickle.UnpicklingError("refusing to load %s.%s from a checkpoint" % (module, name))

    def persistent_load(self, pid):
        # legacy: ('storage', storage_type, key, location, numel, view_metadata)
        # zip:    ('storage', storage_type, key, location, numel)
        if not isinstance(pid, tuple) or pid[0] != "storage":
            raise pickle.UnpicklingError("unsupported persistent id %r" % (pid,))
        stype, key, numel = pid[1], str(pid[2]), pid[4]
        if len(pid) > 5 and pid[5] is not None:
            raise pickle.UnpicklingError("storage views are not supported")
        if key not in self._storages:
            self._storages[key] = _Storage(stype, key, numel)
        return self._storages[key]


def _materialize(obj):
    if isinstance(obj, _LazyTensor):
        return obj.materialize()
    if isinstance(obj, dict):
        return collections.OrderedDict((k, _materialize(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_materialize(v) for v in obj)
    return obj


def _load_legacy(data):
    f = io.BytesIO(data)
    magic = pickle.load(f)
    if magic != LEGACY_MAGIC:
        raise ValueError("not a torch checkpoint (bad magic number)")
    protocol = pickle.load(f)
    if protocol != 1001:
        raise ValueError("unsupported legacy torch protocol %r" % protocol)
    sys_info = pickle.load(f)
    if not sys_info.get("little_endian", True):
        raise ValueError("big-endian checkpoints are not supported")
    storages = {}
    result = _Unpickler(f, storages).load()
    keys = pickle.load(f)
    for key in keys:
        st = storages[str(key)]
        (numel,) = struct.unpack("<q", f.read(8))
        nbytes = numel * st.stype.dtype.itemsize
        raw = f.read(nbytes)
        if len(raw) != nbytes:
            raise ValueError("truncated checkpoint while reading storage %s" % key)
        st.array = np.frombuffer(raw, dtype=st.stype.dtype)
    return _materialize(result)


def _load_zip(path):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        pkl = [n for n in names if n.endswith("/data.pkl") or n == "data.pkl"]
        if len(pkl) != 1:
            raise ValueError("zip checkpoint without a single data.pkl")
        prefix = pkl[0][: -len("data.pkl")]
        storages = {}
        result = _Unpickler(io.BytesIO(z.read(pkl[0])), storages).load()
        for key, st in storages.items():
            raw = z.read(prefix + "data/" + key)
            st.array = np.frombuffer(raw, dtype=st.stype.dtype)
        return _materialize(result)


def load_state_dict(src):
    """Return an OrderedDict name -> numpy array for a torch.save'd state dict.

    ``src``: a path or a binary file object (e.g. io.BytesIO)."""
    if hasattr(src, "read"):
        data = src.read()
    else:
        with open(src, "rb") as fh:
            data = fh.read()
    if data[:4] == b"PK\x03\x04":
        return _load_zip(io.BytesIO(data))
    return _load_legacy(data)


if __name__ == "__main__":
    import sys

    sd = load_state_dict(sys.argv[1])
    for k, v in sd.items():
        print(k, v.dtype, v.shape)
