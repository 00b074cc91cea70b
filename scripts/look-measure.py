"""The look of a `cliport demos` dataset folder, from its stored heightmaps (first observation of each
episode): mean empty-table value, fraction of table cells darker than 45.5 (CLIPort: 47 lit, 44 in shadow),
and block-top colours against CLIPort's lit values (palette x 239/255).

    python3 scripts/look-measure.py datasets/put-block-in-bowl-seen-colors-train     # needs h5py, numpy
"""
import glob, sys, h5py, numpy as np
PAL = dict(blue=(78,121,167), red=(255,87,89), green=(89,169,79), orange=(242,142,43), yellow=(237,201,72),
           purple=(176,122,161), pink=(255,157,167), cyan=(118,183,178), brown=(156,117,95), white=(255,255,255),
           gray=(186,176,172))
tables, darks, tops = [], [], {}
for path in sorted(glob.glob(sys.argv[1] + '/*.hdf5')):
    f = h5py.File(path)
    for d in f['data']:
        hm = f['data'][d]['obs/heightmap_height'][0]; cm = f['data'][d]['obs/heightmap_rgb'][0].astype(float)
        g = cm.mean(2); t = hm < 0.002
        tables.append(g[t].mean()); darks.append((g[t] < 45.5).mean())
        blk = (np.abs(hm - 0.04) < 0.002)
        # interior of tops only: all 8 neighbours also top
        inner = blk.copy()
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1): inner &= np.roll(np.roll(blk, dy, 0), dx, 1)
        for c in cm[inner]:
            name = min(PAL, key=lambda n: np.abs(np.array(PAL[n]) * 0.937 - c).sum())
            tops.setdefault(name, []).append(c)
print('episodes', len(tables), 'table mean %.2f' % np.mean(tables), 'dark fraction %.3f' % np.mean(darks))
for n, cs in tops.items():
    c = np.mean(cs, 0); ref = np.array(PAL[n]) * 239 / 255
    print('%-7s n=%4d mean %s  CLIPort lit %s  ratio %s' % (n, len(cs), c.round(1), ref.round(1), (c / ref).round(3)))
