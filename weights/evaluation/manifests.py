"""Reading a build-dataset manifest for the evaluation scripts that assemble trial sets from several builds."""
import json, os


def load_absolute(path):
    """The manifest at PATH and its cases by id, with every file path made absolute (builds live in other folders)."""
    manifest = json.load(open(path))
    base = os.path.dirname(os.path.abspath(path))
    for case in manifest['cases']:
        for key in ('ct', 'mask', 'lesions'):
            if key in case:
                case[key] = os.path.normpath(os.path.join(base, case[key]))
    return manifest, {c['id']: c for c in manifest['cases']}
