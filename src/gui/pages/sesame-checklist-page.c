/* sesame-checklist-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-checklist-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-checklist.h"
#include "sesame-checklist-page.h"
#include "sesame-checklist-writer.h"

struct _SesameChecklistPage
{
  SesamePage   parent_instance;

  GtkTextView *text_view;
};

G_DEFINE_FINAL_TYPE (SesameChecklistPage, sesame_checklist_page, SESAME_TYPE_PAGE)

static void
render (SesameChecklistPage *self)
{
  SesamePlan *plan = sesame_page_get_plan (SESAME_PAGE (self));
  SesameCatalog *catalog = sesame_page_get_catalog (SESAME_PAGE (self));
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert (SESAME_IS_CHECKLIST_PAGE (self));

  if (plan == NULL || catalog == NULL)
    return;

  /* The report language is the plan's, independent of the UI language */
  checklist = sesame_checklist_new (plan, catalog, sesame_plan_get_language (plan), &error);
  if (checklist != NULL)
    text = sesame_checklist_write (checklist, SESAME_CHECKLIST_FORMAT_TEXT);
  else
    /* Translators: %s is the reason, one problem a line */
    text = g_strdup_printf (_("Sesame cannot write a checklist for this plan yet:\n%s"),
                            error->message);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
}

static void
sesame_checklist_page_shown (SesamePage *page)
{
  render (SESAME_CHECKLIST_PAGE (page));
}

static void
sesame_checklist_page_constructed (GObject *object)
{
  SesameChecklistPage *self = SESAME_CHECKLIST_PAGE (object);
  SesamePlan *plan;

  G_OBJECT_CLASS (sesame_checklist_page_parent_class)->constructed (object);

  /* A report-language switch re-renders at once */
  if ((plan = sesame_page_get_plan (SESAME_PAGE (self))) != NULL)
    g_signal_connect_object (plan, "notify::language",
                             G_CALLBACK (render), self,
                             G_CONNECT_SWAPPED);

  /* The last page: nothing to answer, printing and saving are optional */
  sesame_page_set_complete (SESAME_PAGE (self), TRUE);
}

static void
sesame_checklist_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SESAME_TYPE_CHECKLIST_PAGE);

  G_OBJECT_CLASS (sesame_checklist_page_parent_class)->dispose (object);
}

static void
sesame_checklist_page_class_init (SesameChecklistPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SesamePageClass *page_class = SESAME_PAGE_CLASS (klass);

  object_class->constructed = sesame_checklist_page_constructed;
  object_class->dispose = sesame_checklist_page_dispose;

  page_class->shown = sesame_checklist_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sesame-checklist-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SesameChecklistPage, text_view);
}

static void
sesame_checklist_page_init (SesameChecklistPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * sesame_checklist_page_dup_text:
 * @self: the page
 *
 * Returns: (transfer full): the checklist as shown
 */
char *
sesame_checklist_page_dup_text (SesameChecklistPage *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (SESAME_IS_CHECKLIST_PAGE (self), NULL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
