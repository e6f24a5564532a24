/* sesame-text-document.c: the pieces of plain text and Markdown documents
 *
 * The checklist and the router change checklist are written with the same
 * headings, step lists, tables and warnings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-text-document"

#include "config.h"

#include <string.h>

#include "sesame-text-document.h"

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

char *
sesame_markdown_escape (const char *text)
{
  return md_escape (text);
}

void
sesame_text_document_init (SesameTextDocument *w,
                           SesameChecklist    *checklist,
                           gboolean            markdown)
{
  w->checklist = checklist;
  w->tr = sesame_checklist_get_translation (checklist);
  w->out = g_string_new (NULL);
  w->markdown = markdown;
  w->section = 0;
}

/* The text, ending with one newline; the document is emptied */
char *
sesame_text_document_finish (SesameTextDocument *w)
{
  while (w->out->len > 1 && w->out->str[w->out->len - 1] == '\n' && w->out->str[w->out->len - 2] == '\n')
    g_string_truncate (w->out, w->out->len - 1);

  return g_string_free (g_steal_pointer (&w->out), FALSE);
}

void
sesame_text_document_heading (SesameTextDocument *w,
                              const char         *text,
                              gboolean            numbered)
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

void
sesame_text_document_paragraph (SesameTextDocument *w,
                                const char         *text)
{
  if (w->markdown)
    {
      g_autofree char *escaped = md_escape (text);
      g_string_append_printf (w->out, "%s\n\n", escaped);
    }
  else
    g_string_append_printf (w->out, "%s\n\n", text);
}

void
sesame_text_document_steps (SesameTextDocument *w,
                            GPtrArray          *list)
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

void
sesame_text_document_table (SesameTextDocument *w,
                            GPtrArray          *rows,
                            guint               n_columns)
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

/**
 * sesame_text_document_header:
 * @w: a document
 * @title: the title
 * @labels: the labels of the lines under the title
 * @values: their values
 * @n: how many
 */
void
sesame_text_document_header (SesameTextDocument *w,
                             const char         *title,
                             const char * const *labels,
                             const char * const *values,
                             guint               n)
{
  if (w->markdown)
    {
      g_autofree char *escaped = md_escape (title);

      g_string_append_printf (w->out, "# %s\n\n", escaped);
      for (guint i = 0; i < n; i++)
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

  for (guint i = 0; i < n; i++)
    {
      /* Translators: a label and its value in the checklist header, "Router: Buffalo BBR-4MG" */
      g_string_append_printf (w->out, TC_ (w->tr, "checklist header", "%s: %s"), labels[i], values[i]);
      g_string_append_c (w->out, '\n');
    }
  g_string_append_c (w->out, '\n');
}

/* "Read this first": conflicts, then warnings, the most serious first */
void
sesame_text_document_warnings (SesameTextDocument *w,
                               GPtrArray          *warnings,
                               GPtrArray          *conflicts)
{
  if (warnings->len == 0 && conflicts->len == 0)
    return;

  sesame_text_document_heading (w, T_ (w->tr, "Read this first"), FALSE);

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
      const char *label = sesame_severity_label (w->tr, warning->severity);
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

/**
 * sesame_forward_works_text:
 * @checklist: a checklist with findings
 * @forward: one of its rows
 *
 * Returns: (transfer full) (nullable): whether the row can work, in the
 *   checklist's language, and why not; %NULL without findings
 */
char *
sesame_forward_works_text (SesameChecklist     *checklist,
                           const SesameForward *forward)
{
  SesameTranslation *tr = sesame_checklist_get_translation (checklist);
  GPtrArray *findings = sesame_checklist_get_findings (checklist);
  g_autoptr(GPtrArray) because = g_ptr_array_new ();
  const SesameFinding *first;

  if (findings == NULL)
    return NULL;

  switch (sesame_checklist_forward_works (checklist, forward, because))
    {
    case SESAME_WORKS_YES:
      return g_strdup (TC_ (tr, "works", "Yes"));
    case SESAME_WORKS_NO:
      first = sesame_findings_lookup (findings, g_ptr_array_index (because, 0));
      /* Translators: a forwarding row that cannot work, and why: "No: UDP is blocked on the way to the internet" */
      return g_strdup_printf (T_ (tr, "No: %s"), first->title);
    case SESAME_WORKS_UNKNOWN:
    default:
      return g_strdup (TC_ (tr, "works", "Not known"));
    }
}

/* What the checks found, before anything else: blockers first, each with
 * what to do instead */
void
sesame_text_document_findings (SesameTextDocument *w,
                               GPtrArray          *findings)
{
  const char *instead = T_ (w->tr, "What to do instead");
  gboolean any = FALSE;

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    any |= sesame_finding_shown (g_ptr_array_index (findings, i));
  if (!any)
    return;

  sesame_text_document_heading (w, T_ (w->tr, "What the checks found"), FALSE);

  for (guint i = 0; i < findings->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, i);

      if (!sesame_finding_shown (finding))
        continue;

      if (w->markdown)
        {
          g_autofree char *title = md_escape (finding->title);
          g_autofree char *text = md_escape (finding->text);

          g_string_append_printf (w->out, "> **%s** %s\n", title, text);
          if (finding->explanation != NULL)
            {
              g_autofree char *explanation = md_escape (finding->explanation);
              g_string_append_printf (w->out, ">\n> %s\n", explanation);
            }
          if (finding->action != NULL)
            {
              g_autofree char *action = md_escape (finding->action);
              g_string_append_printf (w->out, ">\n> *%s:* %s\n", instead, action);
            }
          g_string_append_c (w->out, '\n');
        }
      else
        {
          const char *mark = finding->severity == SESAME_FINDING_SEVERITY_BLOCKER ? "[!]"
                           : finding->severity == SESAME_FINDING_SEVERITY_WARNING ? "[*]" : "[i]";

          g_string_append_printf (w->out, "%s %s\n    %s\n", mark, finding->title, finding->text);
          if (finding->explanation != NULL)
            g_string_append_printf (w->out, "    %s\n", finding->explanation);
          if (finding->action != NULL)
            g_string_append_printf (w->out, "    %s: %s\n", instead, finding->action);
          g_string_append_c (w->out, '\n');
        }
    }
}

/* Forwarding rows with a tick box each; with findings, whether each can work */
void
sesame_text_document_forwards (SesameTextDocument *w,
                               GPtrArray          *forwards)
{  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  gboolean judged = sesame_checklist_get_findings (w->checklist) != NULL;
  char **header;

  if (forwards->len == 0)
    return;

  header = g_new0 (char *, 8);
  header[0] = g_strdup (TC_ (w->tr, "column", "Done"));
  header[1] = g_strdup (TC_ (w->tr, "column", "Protocol"));
  header[2] = g_strdup (TC_ (w->tr, "column", "External port"));
  header[3] = g_strdup (TC_ (w->tr, "column", "Server address"));
  header[4] = g_strdup (TC_ (w->tr, "column", "Internal port"));
  header[5] = g_strdup (TC_ (w->tr, "column", "For"));
  if (judged)
    header[6] = g_strdup (TC_ (w->tr, "column", "Can it work?"));
  g_ptr_array_add (rows, header);

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      char **cells = g_new0 (char *, 8);

      cells[0] = g_strdup (w->markdown ? "☐" : "[ ]");
      cells[1] = g_strdup (sesame_checklist_format_protocol (w->checklist, forward->protocol));
      cells[2] = sesame_port_range_to_string (&forward->external);
      cells[3] = g_strdup (forward->internal_address);
      cells[4] = sesame_port_range_to_string (&forward->internal);
      cells[5] = sesame_checklist_join_names (w->checklist, forward->names);
      if (judged)
        cells[6] = sesame_forward_works_text (w->checklist, forward);
      g_ptr_array_add (rows, cells);
    }

  sesame_text_document_table (w, rows, judged ? 7 : 6);
}

/* A section of groups: a table for each list of ports not to forward */
static void
write_group_lists (SesameTextDocument *w,
                   GArray             *lists)
{
  for (guint l = 0; l < lists->len; l++)
    {
      const SesameGroupList *list = &g_array_index (lists, SesameGroupList, l);
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
      char **header;

      sesame_text_document_paragraph (w, list->intro);

      header = g_new0 (char *, 4);
      header[0] = g_strdup (TC_ (w->tr, "column", "Protocol"));
      header[1] = g_strdup (TC_ (w->tr, "column", "Ports"));
      header[2] = g_strdup (TC_ (w->tr, "column", "For"));
      g_ptr_array_add (rows, header);

      for (guint i = 0; i < list->groups->len; i++)
        {
          const SesamePortGroup *group = g_ptr_array_index (list->groups, i);
          char **cells = g_new0 (char *, 4);

          cells[0] = g_strdup (sesame_checklist_format_protocol (w->checklist, group->protocol));
          cells[1] = sesame_port_range_to_string (&group->ports);
          cells[2] = sesame_checklist_join_names (w->checklist, group->names);
          g_ptr_array_add (rows, cells);
        }

      sesame_text_document_table (w, rows, 3);
    }
}

static void
write_changes (SesameTextDocument *w,
               GPtrArray          *changes,
               const char         *empty_text)
{
  if (changes->len == 0)
    {
      sesame_text_document_paragraph (w, empty_text);
      return;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      const SesameChange *change = g_ptr_array_index (changes, i);

      if (w->markdown)
        {
          g_autofree char *escaped = md_escape (change->text);
          g_string_append_printf (w->out, "- %s\n", escaped);
        }
      else
        g_string_append_printf (w->out, "  * %s\n", change->text);
    }

  g_string_append_c (w->out, '\n');
}

/**
 * sesame_text_document_outline:
 * @w: a document
 * @outline: a checklist's (or router change checklist's) outline
 *
 * Writes the whole outline: how each kind of section looks as text or Markdown.
 */
void
sesame_text_document_outline (SesameTextDocument  *w,
                              const SesameOutline *outline)
{
  sesame_text_document_header (w, outline->title,
                               (const char * const *) outline->labels->pdata,
                               (const char * const *) outline->values->pdata,
                               outline->labels->len);

  for (guint s = 0; s < outline->sections->len; s++)
    {
      const SesameSection *section = g_ptr_array_index (outline->sections, s);

      switch (section->kind)
        {
        case SESAME_SECTION_FINDINGS:
          sesame_text_document_findings (w, section->items);
          continue;
        case SESAME_SECTION_WARNINGS:
          sesame_text_document_warnings (w, section->items, section->conflicts);
          continue;
        case SESAME_SECTION_CHANGES:
        case SESAME_SECTION_STEPS:
        case SESAME_SECTION_PORT_GROUPS:
        default:
          break;
        }

      sesame_text_document_heading (w, section->title, section->numbered);
      for (guint i = 0; i < section->paragraphs->len; i++)
        sesame_text_document_paragraph (w, g_ptr_array_index (section->paragraphs, i));

      if (section->kind == SESAME_SECTION_CHANGES)
        write_changes (w, section->items, section->empty_text);
      else if (section->kind == SESAME_SECTION_PORT_GROUPS)
        write_group_lists (w, section->lists);
      if (section->steps != NULL)
        sesame_text_document_steps (w, section->steps);
      if (section->forwards != NULL)
        sesame_text_document_forwards (w, section->forwards);
    }
}
