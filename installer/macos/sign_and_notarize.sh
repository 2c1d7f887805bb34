#!/usr/bin/env bash
# Sign Svyazka.app or its .dmg with a Developer ID, notarize it with Apple and staple the ticket.
#
#   bash installer/macos/sign_and_notarize.sh --app dist/Svyazka.app      # before build_dmg.sh
#   bash installer/macos/sign_and_notarize.sh --dmg dist/Svyazka-X.dmg    # after build_dmg.sh
#
# Runs only when a signing identity is configured, otherwise prints "skipped: ..." and exits 0, so the
# same release workflow produces unsigned builds on forks and signed ones where the secrets exist.
#
# Environment:
#   MACOS_SIGN_IDENTITY      "Developer ID Application: Name (TEAMID)"; without it nothing happens
#   MACOS_CERTIFICATE_P12    optional: base64 of the .p12 with that identity, imported into a temporary
#   MACOS_CERTIFICATE_PASSWORD  keychain (for CI runners, which have no login keychain with it)
#   Notary credentials, either:
#   MACOS_NOTARY_PROFILE     a keychain profile made with `xcrun notarytool store-credentials`, or
#   MACOS_NOTARY_APPLE_ID + MACOS_NOTARY_TEAM_ID + MACOS_NOTARY_PASSWORD (an app-specific password)
# Without notary credentials the .app/.dmg is signed but not notarized (Gatekeeper will still warn).
#
# Order for a release: --app (sign the bundle inside out) → build_dmg.sh → --dmg (sign, notarize and
# staple the image; the notarization covers the app inside it).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ENTITLEMENTS="$HERE/entitlements.plist"

usage() {
  echo "usage: $0 --app PATH.app | --dmg PATH.dmg" >&2
  exit 2
}

[ $# -eq 2 ] || usage
mode="$1"
target="$2"
case "$mode" in
  --app | --dmg) ;;
  *) usage ;;
esac

if [ -z "${MACOS_SIGN_IDENTITY:-}" ]; then
  echo "skipped: no signing identity (MACOS_SIGN_IDENTITY is not set); $target stays unsigned"
  exit 0
fi
if [ "$(uname -s)" != "Darwin" ]; then
  echo "SIGN FAILED: signing needs macOS (codesign, notarytool)" >&2
  exit 1
fi
if [ ! -e "$target" ]; then
  echo "SIGN FAILED: $target not found" >&2
  exit 1
fi

# --- optional: import the certificate into a throwaway keychain (CI) ---------------------------------------
if [ -n "${MACOS_CERTIFICATE_P12:-}" ]; then
  keychain="$(mktemp -d "${TMPDIR:-/tmp}/svyazka-sign.XXXXXX")/signing.keychain-db"
  keychain_password="$(uuidgen)"
  p12="$(dirname "$keychain")/cert.p12"
  trap 'security delete-keychain "$keychain" >/dev/null 2>&1 || true; rm -rf "$(dirname "$keychain")"' EXIT
  printf '%s' "$MACOS_CERTIFICATE_P12" | base64 --decode >"$p12"
  security create-keychain -p "$keychain_password" "$keychain"
  security set-keychain-settings -lut 21600 "$keychain"
  security unlock-keychain -p "$keychain_password" "$keychain"
  security import "$p12" -k "$keychain" -P "${MACOS_CERTIFICATE_PASSWORD:-}" -T /usr/bin/codesign
  security set-key-partition-list -S apple-tool:,apple: -s -k "$keychain_password" "$keychain" >/dev/null
  # Search our keychain first, then the user's existing ones.
  existing="$(security list-keychains -d user | tr -d '"' | xargs)"
  # shellcheck disable=SC2086
  security list-keychains -d user -s "$keychain" $existing
fi

sign() {
  # --options runtime: the hardened runtime notarization requires; --timestamp: Apple's secure timestamp.
  codesign --force --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$@"
}

notary_args=()
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  notary_args=(--keychain-profile "$MACOS_NOTARY_PROFILE")
elif [ -n "${MACOS_NOTARY_APPLE_ID:-}" ] && [ -n "${MACOS_NOTARY_TEAM_ID:-}" ] && [ -n "${MACOS_NOTARY_PASSWORD:-}" ]; then
  notary_args=(--apple-id "$MACOS_NOTARY_APPLE_ID" --team-id "$MACOS_NOTARY_TEAM_ID" --password "$MACOS_NOTARY_PASSWORD")
fi

if [ "$mode" = "--app" ]; then
  echo "signing $target (inside out)"
  # Every Mach-O file first (libraries, Python extensions, Qt plugins, helper executables) ...
  while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q "Mach-O"; then
      sign "$file"
    fi
  done < <(find "$target/Contents" -type f \( -perm -u+x -o -name "*.dylib" -o -name "*.so" \) -print0)
  # ... then nested framework bundles (deepest first), then the executables with entitlements, then the app.
  while IFS= read -r framework; do
    sign "$framework"
  done < <(find "$target/Contents" -type d -name "*.framework" | awk '{ print length, $0 }' | sort -rn | cut -d" " -f2-)
  for executable in "$target/Contents/MacOS/"*; do
    sign --entitlements "$ENTITLEMENTS" "$executable"
  done
  sign --entitlements "$ENTITLEMENTS" "$target"
  codesign --verify --deep --strict --verbose=2 "$target"
  echo "SIGN OK: $target (notarize the .dmg made from it with --dmg)"
  exit 0
fi

# --dmg
echo "signing $target"
codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$target"
codesign --verify --verbose=2 "$target"
if [ ${#notary_args[@]} -eq 0 ]; then
  echo "notarization skipped: no notary credentials (MACOS_NOTARY_PROFILE or MACOS_NOTARY_APPLE_ID/TEAM_ID/PASSWORD)"
  exit 0
fi
echo "notarizing $target (this waits for Apple, usually a few minutes)"
xcrun notarytool submit "$target" "${notary_args[@]}" --wait
xcrun stapler staple "$target"
xcrun stapler validate "$target"
echo "NOTARIZE OK: $target"
