/* sesame-text-writer.c: plain text and Markdown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-text-writer"

#include "config.h"

#include <string.h>

#include "sesame-checklist-writer.h"

typedef struct
{
  SesameChecklist   *checklist;
  SesameTranslation *tr;
  GString           *out;
  gboolean           markdown;
  guint              section;
} Writer;

/* Columns on a terminal: East Asian wide characters take two */
static guint
display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}

static void
append_padded (GString    *out,
               const char *text,
               guint       width)
{
  guint w = display_width (text);

  g_string_append (out, text);
  for (; w < width; w++)
    g_string_append_c (out, ' ');
}

/* Markdown table cells and list items must not break the syntax */
static char *
md_escape (const char *text)
{
  GString *str = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if (strchr ("\\`*_[]<>|#", *p) != NULL)
        g_string_append_c (str, '\\');
      g_string_append_c (str, *p == '\n' ? ' ' : *p);
    }

  return g_string_free (str, FALSE);
}

static void
heading (Writer     *w,
         const char *text,
         gboolean    numbered)
{
  g_autofree char *title = NULL;

  if (numbered)
    title = g_strdup_printf ("%u. %s", ++w->section, text);
  else
    title = g_strdup (text);

  if (w->markdown)
    {
      g_autofree char *escaped = md_escape (title);
      g_string_append_printf (w->out, "## %s\n\n", escaped);
      return;
    }

  g_string_append_printf (w->out, "%s\n", title);
  for (guint i = display_width (title); i > 0; i--)
    g_string_append_c (w->out, '-');
  g_string_append (w->out, "\n\n");
}

static void
paragraph (Writer     *w,
           const char *text)
{
  if (w->markdown)
    {
      g_autofree char *escaped = md_escape (text);
      g_string_append_printf (w->out, "%s\n\n", escaped);
    }
  else
    g_string_append_printf (w->out, "%s\n\n", text);
}

static void
steps (Writer    *w,
       GPtrArray *list)
{
  for (guint i = 0; i < list->len; i++)
    {
      const SesameStep *step = g_ptr_array_index (list, i);

      if (w->markdown)
        {
          g_autofree char *escaped = md_escape (step->text);

          g_string_append_printf (w->out, "%u. %s\n", i + 1, escaped);
          if (step->command != NULL)
            g_string_append_printf (w->out, "\n   ```sh\n   %s\n   ```\n", step->command);
        }
      else
        {
          g_string_append_printf (w->out, "%2u.%u %s\n", w->section, i + 1, step->text);
          if (step->command != NULL)
            g_string_append_printf (w->out, "      $ %s\n", step->command);
        }
    }

  g_string_append_c (w->out, '\n');
}

static void
table (Writer     *w,
       GPtrArray  *rows,     /* element-type GStrv */
       guint       n_columns)
{
  g_autofree guint *widths = g_new0 (guint, n_columns);

  if (w->markdown)
    {
      for (guint r = 0; r < rows->len; r++)
        {
          char **cells = g_ptr_array_index (rows, r);

          g_string_append (w->out, "|");
          for (guint c = 0; c < n_columns; c++)
            {
              g_autofree char *escaped = md_escape (cells[c]);
              g_string_append_printf (w->out, " %s |", escaped);
            }
          g_string_append_c (w->out, '\n');

          if (r == 0)
            {
              g_string_append (w->out, "|");
              for (guint c = 0; c < n_columns; c++)
                g_string_append (w->out, " --- |");
              g_string_append_c (w->out, '\n');
            }
        }
      g_string_append_c (w->out, '\n');
      return;
    }

  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);

      for (guint c = 0; c < n_columns; c++)
        widths[c] = MAX (widths[c], display_width (cells[c]));
    }

  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);
      GString *line = g_string_new ("    ");

      for (guint c = 0; c < n_columns; c++)
        {
          if (c + 1 < n_columns)
            {
              append_padded (line, cells[c], widths[c]);
              g_string_append (line, "  ");
            }
          else
            g_string_append (line, cells[c]);
        }

      g_string_append_printf (w->out, "%s\n", line->str);
      g_string_free (line, TRUE);
    }

  g_string_append_c (w->out, '\n');
}

static void
write_header (Writer *w)
{
  const char *title = sesame_checklist_get_title (w->checklist);
  g_autofree char *server = sesame_checklist_get_server_label (w->checklist);
  const char *labels[3];
  const char *values[3];

  labels[0] = TC_ (w->tr, "checklist header", "Router");
  values[0] = sesame_checklist_get_router_name (w->checklist);
  labels[1] = TC_ (w->tr, "checklist header", "Connection");
  values[1] = sesame_checklist_get_connection_label (w->checklist);
  labels[2] = TC_ (w->tr, "checklist header", "Server");
  values[2] = server;

  if (w->markdown)
    {
      g_autofree char *escaped = md_escape (title);

      g_string_append_printf (w->out, "# %s\n\n", escaped);
      for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
        {
          g_autofree char *value = md_escape (values[i]);
          g_string_append_printf (w->out, "- **%s:** %s\n", labels[i], value);
        }
      g_string_append_c (w->out, '\n');
      return;
    }

  g_string_append_printf (w->out, "%s\n", title);
  for (guint i = display_width (title); i > 0; i--)
    g_string_append_c (w->out, '=');
  g_string_append (w->out, "\n\n");

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      /* Translators: a label and its value in the checklist header, "Router: Buffalo BBR-4MG" */
      g_string_append_printf (w->out, TC_ (w->tr, "checklist header", "%s: %s"), labels[i], values[i]);
      g_string_append_c (w->out, '\n');
    }
  g_string_append_c (w->out, '\n');
}

static const char *
severity_label (SesameTranslation *tr,
                SesameSeverity     severity)
{
  switch (severity)
    {
    case SESAME_SEVERITY_CRITICAL: return TC_ (tr, "severity", "Important");
    case SESAME_SEVERITY_WARNING: return TC_ (tr, "severity", "Warning");
    case SESAME_SEVERITY_INFO:
    default: return TC_ (tr, "severity", "Note");
    }
}

static void
write_warnings (Writer *w)
{
  GPtrArray *warnings = sesame_checklist_get_warnings (w->checklist);
  GPtrArray *conflicts = sesame_checklist_get_conflicts (w->checklist);

  if (warnings->len == 0 && conflicts->len == 0)
    return;

  heading (w, T_ (w->tr, "Read this first"), FALSE);

  for (guint i = 0; i < conflicts->len; i++)
    {
      const SesameConflict *conflict = g_ptr_array_index (conflicts, i);
      /* Translators: a label before the text of a port conflict */
      const char *label = TC_ (w->tr, "severity", "Conflict");

      if (w->markdown)
        {
          g_autofree char *text = md_escape (conflict->text);
          g_string_append_printf (w->out, "> **%s:** %s\n\n", label, text);
        }
      else
        g_string_append_printf (w->out, "[!] %s: %s\n\n", label, conflict->text);
    }

  for (guint i = 0; i < warnings->len; i++)
    {
      const SesameWarning *warning = g_ptr_array_index (warnings, i);
      const char *label = severity_label (w->tr, warning->severity);
      /* Translators: a label before the advice that follows a warning */
      const char *instead = T_ (w->tr, "What to do instead");

      if (w->markdown)
        {
          g_autofree char *text = md_escape (warning->text);

          g_string_append_printf (w->out, "> **%s:** %s\n", label, text);
          if (warning->advice != NULL)
            {
              g_autofree char *advice = md_escape (warning->advice);
              g_string_append_printf (w->out, ">\n> *%s:* %s\n", instead, advice);
            }
          g_string_append_c (w->out, '\n');
        }
      else
        {
          g_string_append_printf (w->out, "%s %s: %s\n",
                                  warning->severity == SESAME_SEVERITY_CRITICAL ? "[!]" : "[*]",
                                  label, warning->text);
          if (warning->advice != NULL)
            g_string_append_printf (w->out, "    %s: %s\n", instead, warning->advice);
          g_string_append_c (w->out, '\n');
        }
    }
}

static void
write_forwards (Writer *w)
{
  GPtrArray *forwards = sesame_checklist_get_forwards (w->checklist);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  char **header;

  if (forwards->len == 0)
    return;

  header = g_new0 (char *, 7);
  header[0] = g_strdup (TC_ (w->tr, "column", "Done"));
  header[1] = g_strdup (TC_ (w->tr, "column", "Protocol"));
  header[2] = g_strdup (TC_ (w->tr, "column", "External port"));
  header[3] = g_strdup (TC_ (w->tr, "column", "Server address"));
  header[4] = g_strdup (TC_ (w->tr, "column", "Internal port"));
  header[5] = g_strdup (TC_ (w->tr, "column", "For"));
  g_ptr_array_add (rows, header);

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      char **cells = g_new0 (char *, 7);

      cells[0] = g_strdup (w->markdown ? "☐" : "[ ]");
      cells[1] = g_strdup (sesame_checklist_format_protocol (w->checklist, forward->protocol));
      cells[2] = sesame_port_range_to_string (&forward->external);
      cells[3] = g_strdup (forward->internal_address);
      cells[4] = sesame_port_range_to_string (&forward->internal);
      cells[5] = sesame_checklist_join_names (w->checklist, forward->names);
      g_ptr_array_add (rows, cells);
    }

  table (w, rows, 6);
}

static void
write_groups (Writer     *w,
              GPtrArray  *groups,
              const char *intro)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  char **header;

  if (groups->len == 0)
    return;

  paragraph (w, intro);

  header = g_new0 (char *, 4);
  header[0] = g_strdup (TC_ (w->tr, "column", "Protocol"));
  header[1] = g_strdup (TC_ (w->tr, "column", "Ports"));
  header[2] = g_strdup (TC_ (w->tr, "column", "For"));
  g_ptr_array_add (rows, header);

  for (guint i = 0; i < groups->len; i++)
    {
      const SesamePortGroup *group = g_ptr_array_index (groups, i);
      char **cells = g_new0 (char *, 4);

      cells[0] = g_strdup (sesame_checklist_format_protocol (w->checklist, group->protocol));
      cells[1] = sesame_port_range_to_string (&group->ports);
      cells[2] = sesame_checklist_join_names (w->checklist, group->names);
      g_ptr_array_add (rows, cells);
    }

  table (w, rows, 3);
}

char *
sesame_text_writer_write (SesameChecklist *checklist,
                          gboolean         markdown)
{
  Writer w = { checklist, sesame_checklist_get_translation (checklist), g_string_new (NULL), markdown, 0 };
  GPtrArray *lan = sesame_checklist_get_lan_only (checklist);
  GPtrArray *blocked = sesame_checklist_get_not_forwarded (checklist);
  GPtrArray *outbound = sesame_checklist_get_outbound_only (checklist);

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);

  write_header (&w);
  write_warnings (&w);

  {
    /* Translators: "Router settings: アドレス変換" — the page name follows */
    g_autofree char *title = g_strdup_printf (T_ (w.tr, "Router settings: %s"),
                                              sesame_checklist_get_router_page (checklist));
    heading (&w, title, TRUE);
  }
  steps (&w, sesame_checklist_get_router_steps (checklist));
  write_forwards (&w);

  if (lan->len > 0 || blocked->len > 0 || outbound->len > 0)
    {
      heading (&w, T_ (w.tr, "Ports that must not be forwarded"), TRUE);
      write_groups (&w, lan, T_ (w.tr, "Used only inside the home network. Never forward these; the router must keep them off the internet."));
      write_groups (&w, blocked, T_ (w.tr, "Kept off the internet on purpose, because exposing them is dangerous (see above). They stay usable at home."));
      write_groups (&w, outbound, T_ (w.tr, "Used only to connect out. Nothing to forward: the router lets the replies in by itself."));
    }

  heading (&w, sesame_checklist_get_firewall_title (checklist), TRUE);
  steps (&w, sesame_checklist_get_firewall_steps (checklist));

  heading (&w, T_ (w.tr, "Check that it works"), TRUE);
  steps (&w, sesame_checklist_get_verify_steps (checklist));

  /* One trailing newline */
  while (w.out->len > 1 && w.out->str[w.out->len - 1] == '\n' && w.out->str[w.out->len - 2] == '\n')
    g_string_truncate (w.out, w.out->len - 1);

  return g_string_free (w.out, FALSE);
}
