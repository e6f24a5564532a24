/* sesame-migration-writer.c: the router change checklist in every format
 *
 * The layout follows the checklist writers: the same header, the same
 * columns for forwarding rows and the same step numbering, so that the two
 * printouts read alike and share their translations.
 *
 * The JSON keys are a contract: language, old_router {id, name, page,
 * menu_path}, new_router {id, name, admin_url, page, menu_path}, changes
 * [{kind, old, new, text}], add and remove (rows as in the checklist's
 * "forwards"), host_firewall {os, steps [{text, command}]}. More keys may
 * be added, none removed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-migration-writer"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sesame-json.h"
#include "sesame-html-document.h"
#include "sesame-json-document.h"
#include "sesame-migration-writer.h"
#include "sesame-text-document.h"

/* Text and Markdown */

/**
 * sesame_migration_text_writer_write:
 * @migration: a migration
 * @markdown: %TRUE for Markdown, %FALSE for plain text
 *
 * Returns: (transfer full): the router change checklist in its own language
 */
char *
sesame_migration_text_writer_write (SesameMigration *migration,
                                    gboolean         markdown)
{
  g_autoptr(SesameOutline) outline = NULL;
  SesameTextDocument doc;

  g_return_val_if_fail (SESAME_IS_MIGRATION (migration), NULL);

  outline = sesame_migration_build_outline (migration);
  sesame_text_document_init (&doc, sesame_migration_get_new_checklist (migration), markdown);
  sesame_text_document_outline (&doc, outline);

  return sesame_text_document_finish (&doc);
}

/* HTML: one self-contained, printable page, like the checklist's */

/**
 * sesame_migration_html_writer_write:
 * @migration: a migration
 *
 * Returns: (transfer full): one self-contained printable page, with a tick
 *   box for each row to add and each row to remove
 */
char *
sesame_migration_html_writer_write (SesameMigration *migration)
{
  g_autoptr(SesameOutline) outline = NULL;
  GString *out;

  g_return_val_if_fail (SESAME_IS_MIGRATION (migration), NULL);

  outline = sesame_migration_build_outline (migration);
  out = g_string_new (NULL);
  sesame_html_outline (out, sesame_migration_get_new_checklist (migration),
                       sesame_migration_get_language (migration), outline);

  return g_string_free (out, FALSE);
}

/* JSON */

static void
add_router (JsonBuilder     *builder,
            const char      *member,
            SesameChecklist *checklist,
            GPtrArray       *router_steps)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  sesame_json_add_string_or_null (builder, "id", sesame_checklist_get_router (checklist)->id);
  sesame_json_add_string_or_null (builder, "name", sesame_checklist_get_router_name (checklist));
  sesame_json_add_string_or_null (builder, "admin_url", sesame_checklist_get_admin_url (checklist));
  sesame_json_add_string_or_null (builder, "page", sesame_checklist_get_router_page (checklist));
  sesame_json_add_string_or_null (builder, "menu_path", sesame_checklist_get_router_menu_path (checklist));
  sesame_json_add_steps (builder, "steps", router_steps);
  json_builder_end_object (builder);
}

/**
 * sesame_migration_json_writer_write:
 * @migration: a migration
 *
 * Returns: (transfer full): the router change checklist for other programs
 */
char *
sesame_migration_json_writer_write (SesameMigration *migration)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  SesameChecklist *checklist;
  GPtrArray *changes;

  g_return_val_if_fail (SESAME_IS_MIGRATION (migration), NULL);

  checklist = sesame_migration_get_new_checklist (migration);
  changes = sesame_migration_get_changes (migration);

  json_builder_begin_object (builder);

  sesame_json_add_string_or_null (builder, "language", sesame_migration_get_language (migration));
  sesame_json_add_string_or_null (builder, "title", sesame_migration_get_title (migration));
  json_builder_set_member_name (builder, "same_router");
  json_builder_add_boolean_value (builder, sesame_migration_is_same_router (migration));

  add_router (builder, "old_router", sesame_migration_get_old_checklist (migration),
              sesame_migration_get_remove_steps (migration));
  add_router (builder, "new_router", checklist, sesame_migration_get_new_router_steps (migration));

  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    {
      const SesameChange *change = g_ptr_array_index (changes, i);

      json_builder_begin_object (builder);
      sesame_json_add_string_or_null (builder, "kind", sesame_change_kind_to_string (change->kind));
      sesame_json_add_string_or_null (builder, "old", change->old_value);
      sesame_json_add_string_or_null (builder, "new", change->new_value);
      sesame_json_add_string_or_null (builder, "text", change->text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  sesame_json_add_forwards (builder, "add", sesame_migration_get_add_forwards (migration));
  sesame_json_add_forwards (builder, "remove", sesame_migration_get_remove_forwards (migration));
  sesame_json_add_strings (builder, "remove_notes", sesame_migration_get_remove_notes (migration));

  json_builder_set_member_name (builder, "host_firewall");
  json_builder_begin_object (builder);
  sesame_json_add_string_or_null (builder, "os",
                      sesame_host_os_to_string (sesame_plan_get_host_os (sesame_checklist_get_plan (checklist))));
  json_builder_set_member_name (builder, "changed");
  json_builder_add_boolean_value (builder, sesame_migration_get_firewall_changed (migration));
  sesame_json_add_string_or_null (builder, "title", sesame_checklist_get_firewall_title (checklist));
  sesame_json_add_string_or_null (builder, "note", sesame_migration_get_firewall_note (migration));
  sesame_json_add_steps (builder, "steps", sesame_migration_get_firewall_steps (migration));
  json_builder_end_object (builder);

  sesame_json_add_steps (builder, "verification", sesame_checklist_get_verify_steps (checklist));

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return sesame_json_to_string (root);
}

/**
 * sesame_migration_write:
 * @migration: a migration
 * @format: the format
 *
 * Returns: (transfer full): the router change checklist in @format, in its
 *   own language
 */
char *
sesame_migration_write (SesameMigration       *migration,
                        SesameExportFormat     format)
{
  g_return_val_if_fail (SESAME_IS_MIGRATION (migration), NULL);

  switch (format)
    {
    case SESAME_EXPORT_FORMAT_TEXT:
      return sesame_migration_text_writer_write (migration, FALSE);
    case SESAME_EXPORT_FORMAT_MARKDOWN:
      return sesame_migration_text_writer_write (migration, TRUE);
    case SESAME_EXPORT_FORMAT_HTML:
      return sesame_migration_html_writer_write (migration);
    case SESAME_EXPORT_FORMAT_JSON:
      return sesame_migration_json_writer_write (migration);
    default:
      g_return_val_if_reached (NULL);
    }
}
