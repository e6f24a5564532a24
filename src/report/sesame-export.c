/* sesame-export.c: the one way a document is written, in any format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-export"

#include "config.h"

#include <string.h>

#include "sesame-enum.h"
#include "sesame-export.h"
#include "sesame-migration-writer.h"
#include "sesame-pdf-writer.h"
#include "sesame-report-enums.h"
#include "sesame-settings-report.h"

SESAME_DEFINE_ENUM_STRINGS (SesameExportFormat, sesame_export_format, SESAME_TYPE_EXPORT_FORMAT)

/* What a shared document leaves out: the server's name in the plan, and
 * the public address and the router's identity in the probe results. What
 * the results mean (the findings) stays as it is. */
typedef struct
{
  SesameChecklist   *checklist;
  SesameMigration   *migration;
  SesameProbeReport *probe;
} Redacted;

static void
redacted_clear (Redacted *redacted)
{
  g_clear_object (&redacted->checklist);
  g_clear_object (&redacted->migration);
  g_clear_pointer (&redacted->probe, sesame_probe_report_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Redacted, redacted_clear)

static SesamePlan *
plan_without_name (SesameChecklist  *checklist,
                   SesameCatalog    *catalog,
                   GError          **error)
{
  SesamePlan *plan = sesame_plan_copy (sesame_checklist_get_plan (checklist), catalog, error);

  if (plan != NULL)
    sesame_plan_set_host_name (plan, NULL);

  return plan;
}

static gboolean
redact_source (const SesameExportSource  *source,
               Redacted                  *out,
               GError                   **error)
{
  g_autoptr(SesamePlan) plan = NULL;
  const char *language = sesame_checklist_get_language (source->checklist);

  if (source->catalog == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Sesame needs the catalog to leave the names out");
      return FALSE;
    }

  if (!(plan = plan_without_name (source->checklist, source->catalog, error)) ||
      !(out->checklist = sesame_checklist_new (plan, source->catalog, language, error)))
    return FALSE;
  sesame_checklist_set_findings (out->checklist, sesame_checklist_get_findings (source->checklist));

  if (source->migration != NULL)
    {
      SesameChecklist *old = sesame_migration_get_old_checklist (source->migration);
      g_autoptr(SesamePlan) old_plan = plan_without_name (old, source->catalog, error);

      if (old_plan == NULL ||
          !(out->migration = sesame_migration_new (old_plan, plan, source->catalog, language, error)))
        return FALSE;
    }

  if (source->probe != NULL)
    {
      g_autofree char *json = sesame_probe_report_to_json (source->probe);
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

      if (!(out->probe = sesame_probe_report_new_from_json (bytes, error)))
        return FALSE;
      sesame_probe_report_redact (out->probe);
    }

  return TRUE;
}

static GBytes *
write_pdf (SesameChecklist          *checklist,
           SesameMigration          *migration,
           const SesameProbeReport  *probe,
           SesameDocument            document,
           GDateTime                *date,
           GError                  **error)
{
  switch (document)
    {
    case SESAME_DOCUMENT_CHECKLIST:
      return sesame_pdf_writer_write (checklist, NULL, date, NULL, NULL, error);
    case SESAME_DOCUMENT_ROUTER_CHANGE:
      return sesame_pdf_writer_write_migration (migration, NULL, date, NULL, NULL, error);
    case SESAME_DOCUMENT_SETTINGS_REPORT:
      return sesame_settings_report_write_pdf (checklist, probe, NULL, date, NULL, NULL, error);
    default:
      g_return_val_if_reached (NULL);
    }
}

static char *
write_text (SesameChecklist         *checklist,
            SesameMigration         *migration,
            const SesameProbeReport *probe,
            SesameDocument           document,
            SesameExportFormat       format)
{
  switch (document)
    {
    case SESAME_DOCUMENT_CHECKLIST:
      return sesame_checklist_write (checklist, format);
    case SESAME_DOCUMENT_ROUTER_CHANGE:
      return sesame_migration_write (migration, format);
    case SESAME_DOCUMENT_SETTINGS_REPORT:
      return sesame_settings_report_write (checklist, probe, format);
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * sesame_export_write:
 * @source: what the document is made from
 * @document: which document
 * @format: in which format
 * @redact: whether to leave out the server's name, the public address and
 *   the router's identity, for sharing (@source->catalog is then needed)
 * @error: return location for a #GError
 *
 * Writes @document in the language of @source->checklist. @source is left
 * as it is, also when @redact is set.
 *
 * Returns: (transfer full) (nullable): the document's bytes
 */
GBytes *
sesame_export_write (const SesameExportSource  *source,
                     SesameDocument             document,
                     SesameExportFormat         format,
                     gboolean                   redact,
                     GError                   **error)
{
  g_auto(Redacted) redacted = { NULL };
  SesameChecklist *checklist;
  SesameMigration *migration;
  const SesameProbeReport *probe;
  char *text;

  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (SESAME_IS_CHECKLIST (source->checklist), NULL);
  g_return_val_if_fail (document != SESAME_DOCUMENT_ROUTER_CHANGE || SESAME_IS_MIGRATION (source->migration), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  checklist = source->checklist;
  migration = source->migration;
  probe = source->probe;

  if (redact)
    {
      if (!redact_source (source, &redacted, error))
        return NULL;
      checklist = redacted.checklist;
      migration = redacted.migration;
      probe = redacted.probe;
    }

  if (format == SESAME_EXPORT_FORMAT_PDF)
    return write_pdf (checklist, migration, probe, document, source->date, error);

  text = write_text (checklist, migration, probe, document, format);
  return g_bytes_new_take (text, strlen (text));
}
