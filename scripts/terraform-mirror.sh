#!/usr/bin/env bash
# Make a filesystem mirror of Terraform providers visible to Terraform through its own
# "implied local mirror" directory (~/.terraform.d/plugins), for machines without registry access.
# A machine with internet access needs none of this: terraform init downloads from the registry.
#
# The mirror is found in $TF_PROVIDER_MIRROR, or else by searching a few usual places for a
# directory laid out as <host>/<namespace>/<type>/<version>/<os_arch>/terraform-provider-*.
set -euo pipefail

implied="${HOME}/.terraform.d/plugins"

find_mirror() {
  if [ -n "${TF_PROVIDER_MIRROR:-}" ]; then
    echo "$TF_PROVIDER_MIRROR"
    return
  fi
  local hit
  hit=$(find /opt /usr/local/share /usr/share /srv "$HOME" -maxdepth 8 -type f \
        -name 'terraform-provider-aws_*' -path '*/registry.terraform.io/hashicorp/aws/*' \
        -not -path "$implied/*" 2>/dev/null | head -n 1 || true)
  [ -n "$hit" ] || return 0
  # <mirror>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/<binary>
  dirname "$(dirname "$(dirname "$(dirname "$(dirname "$(dirname "$hit")")")")")"
}

mirror=$(find_mirror)
if [ -z "$mirror" ] || [ ! -d "$mirror/registry.terraform.io" ]; then
  echo "terraform-mirror: no provider mirror found; terraform init will use the registry." >&2
  exit 0
fi

# Terraform does not follow a symlinked version directory when it scans an implied mirror, so the
# directories are made for real and only the provider binaries are linked. Providers that are not
# mirrored still come from the registry.
while IFS= read -r binary; do
  rel=${binary#"$mirror"/}
  mkdir -p "$implied/$(dirname "$rel")"
  ln -sfn "$binary" "$implied/$rel"
  echo "terraform-mirror: $(dirname "$rel")"
done < <(find "$mirror/registry.terraform.io" -type f -name 'terraform-provider-*')

# An environment that names a CLI config file that does not exist makes every terraform command
# print a warning; an empty file is a valid configuration.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then
  mkdir -p "$(dirname "$TF_CLI_CONFIG_FILE")"
  : > "$TF_CLI_CONFIG_FILE"
fi
