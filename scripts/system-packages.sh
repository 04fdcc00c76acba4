#!/usr/bin/env bash
# Debian packages that make Rights Desk faster or complete: installed when run as root, named otherwise.
#   libharfbuzz-subset0: WeasyPrint subsets fonts 4-9x faster with it (packs and letters)
#   libpango-1.0-0, libpangoft2-1.0-0: WeasyPrint cannot render without them
#   fonts-dejavu-core: a font for letters and packs on a bare machine
#   poppler-utils: pdftoppm, to look at a pack as PNG pages
#   tesseract-ocr, tesseract-ocr-eng: reads the words on uploaded scans (OCR at upload)
#   libreoffice-writer-nogui, libreoffice-calc-nogui: converts Word and Excel files agencies return to PDF (headless)
set -u
wanted=(libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils tesseract-ocr tesseract-ocr-eng libreoffice-writer-nogui libreoffice-calc-nogui)
command -v dpkg-query >/dev/null 2>&1 || { echo "system-packages: not a Debian machine; install the equivalents of: ${wanted[*]}"; exit 0; }
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "system-packages: installing ${missing[*]}"
  (apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}") >/dev/null \
    || echo "system-packages: apt-get failed; WeasyPrint may be slower or fail without: ${missing[*]}"
else
  echo "system-packages: not root, so skipped: ${missing[*]} (install them with apt-get for faster, complete PDF rendering)"
fi
