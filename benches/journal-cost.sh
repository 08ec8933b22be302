#!/usr/bin/env bash
# The request journal's cost: GetUser c=16, the journal on (ON) and switched off (OFF: a build with
# benches/journal-off.patch applied, run with JOURNAL_OFF=1), alternating, in a file and in memory;
# prints each cell, then the means. Usage: benches/journal-cost.sh ON OFF [ROUNDS] [OUT]
ON=$1; OFF=$2; R=${3:-6}; OUT=${4:-/tmp/journal-cost.txt}
echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT
for i in $(seq 1 $R); do
  for st in file memory; do
    "$(dirname "$0")"/cpu-per-request.sh $ON $st GetUser 16 6 | sed 's/^/on  /' | tee -a $OUT
    JOURNAL_OFF=1 "$(dirname "$0")"/cpu-per-request.sh $OFF $st GetUser 16 6 | sed 's/^/off /' | tee -a $OUT
  done
done
python3 - $OUT <<'PY'
import sys,re,statistics as S
rows={}
for l in open(sys.argv[1]):
    m=re.match(r'(on|off)\s+\S+\s+(file|memory)\s+rps=\s*(\d+) cpu_us/req=\s*([\d.]+)',l)
    if m: rows.setdefault((m[1],m[2]),[]).append((int(m[3]),float(m[4])))
for st in ('file','memory'):
    on=rows.get(('on',st),[]); off=rows.get(('off',st),[])
    if on and off:
        for name, f in (('mean', S.mean), ('median', S.median)):
            ron=f([r for r,_ in on]); roff=f([r for r,_ in off])
            con=f([c for _,c in on]); coff=f([c for _,c in off])
            print(f'{st} {name}: rps on {ron:.0f} off {roff:.0f} ({(ron/roff-1)*100:+.1f}%), cpu/req on {con:.2f} off {coff:.2f} ({(con/coff-1)*100:+.1f}%), n={len(on)}/{len(off)}')
PY
