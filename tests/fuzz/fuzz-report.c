/* fuzz-report.c: a saved probe report is read back as untrusted data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "sesame-probe-report.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameProbeReport) report = sesame_probe_report_new_from_json (bytes, &error);

  g_assert ((report == NULL) == (error != NULL));

  if (report != NULL)
    {
      /* What reads back writes and reads back again, and compares with itself as unchanged */
      g_autofree char *json = sesame_probe_report_to_json (report);
      g_autoptr(GBytes) again = g_bytes_new (json, strlen (json));
      g_autoptr(SesameProbeReport) back = sesame_probe_report_new_from_json (again, NULL);
      g_autoptr(GPtrArray) changes = NULL;

      g_assert (back != NULL);
      changes = sesame_probe_report_router_changes (report, back);
      g_assert (changes->len == 0);
    }

  return 0;
}
