/* sesame-print-operation.c: the checklist on the printer
 *
 * A GtkPrintOperation that prints the checklist (or, after a router
 * change, the router change checklist) as the PDF export lays it out:
 * laid out again for the sheet the person sets up, portrait or landscape,
 * and scaled to it, on A4 or Letter from the locale unless they choose.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-print-operation"

#include "config.h"

#include "sesame-pdf-writer.h"
#include "sesame-print-operation.h"

/* Smaller sheets print the checklist laid out for the default paper, scaled down */
#define MIN_PAPER_POINTS 216.0

struct _SesamePrintOperation
{
  GtkPrintOperation  parent_instance;

  SesameChecklist   *checklist;
  SesameMigration   *migration;   /* nullable: the router change, printed instead */
  SesamePdfWriter   *writer;      /* nullable until begin-print */
};

G_DEFINE_FINAL_TYPE (SesamePrintOperation, sesame_print_operation, GTK_TYPE_PRINT_OPERATION)

static GtkPageSetup *
default_page_setup (void)
{
  const SesamePaper *paper = sesame_paper_get_default ();
  GtkPageSetup *setup = gtk_page_setup_new ();
  GtkPaperSize *size;

  size = gtk_paper_size_new (g_strcmp0 (paper->name, "letter") == 0 ? GTK_PAPER_NAME_LETTER
                                                                    : GTK_PAPER_NAME_A4);
  gtk_page_setup_set_paper_size (setup, size);
  gtk_paper_size_free (size);

  return setup;
}

static void
sesame_print_operation_begin_print (GtkPrintOperation *operation,
                                    GtkPrintContext   *context)
{
  SesamePrintOperation *self = SESAME_PRINT_OPERATION (operation);
  SesamePaper sheet = { NULL, gtk_print_context_get_width (context), gtk_print_context_get_height (context) };
  const SesamePaper *paper = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  /* Laid out for the sheet as the person set it up, portrait or landscape */
  if (sheet.width >= MIN_PAPER_POINTS && sheet.height >= MIN_PAPER_POINTS)
    paper = &sheet;

  g_clear_object (&self->writer);
  if (self->migration != NULL)
    self->writer = sesame_pdf_writer_new_for_migration (self->migration, paper, now);
  else
    self->writer = sesame_pdf_writer_new (self->checklist, paper, now);

  gtk_print_operation_set_n_pages (operation, (int) sesame_pdf_writer_get_n_pages (self->writer));
}

static void
sesame_print_operation_draw_page (GtkPrintOperation *operation,
                                  GtkPrintContext   *context,
                                  int                page)
{
  SesamePrintOperation *self = SESAME_PRINT_OPERATION (operation);
  const SesamePaper *paper = sesame_pdf_writer_get_paper (self->writer);
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double scale;

  g_assert (page >= 0);

  /* The same proportions, whatever the sheet */
  scale = MIN (gtk_print_context_get_width (context) / paper->width,
               gtk_print_context_get_height (context) / paper->height);

  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  sesame_pdf_writer_draw_page (self->writer, cr, (guint) page);
  cairo_restore (cr);
}

static void
sesame_print_operation_dispose (GObject *object)
{
  SesamePrintOperation *self = SESAME_PRINT_OPERATION (object);

  g_clear_object (&self->writer);
  g_clear_object (&self->migration);
  g_clear_object (&self->checklist);

  G_OBJECT_CLASS (sesame_print_operation_parent_class)->dispose (object);
}

static void
sesame_print_operation_class_init (SesamePrintOperationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkPrintOperationClass *operation_class = GTK_PRINT_OPERATION_CLASS (klass);

  object_class->dispose = sesame_print_operation_dispose;
  operation_class->begin_print = sesame_print_operation_begin_print;
  operation_class->draw_page = sesame_print_operation_draw_page;
}

static void
sesame_print_operation_init (SesamePrintOperation *self)
{
  g_autoptr(GtkPageSetup) setup = default_page_setup ();
  GtkPrintOperation *operation = GTK_PRINT_OPERATION (self);

  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
}

/**
 * sesame_print_operation_new:
 * @checklist: the checklist to print
 * @migration: (nullable): a router change, printed instead as
 *   `sesame-cli diff --format pdf` lays it out
 *
 * Returns: (transfer full): an operation to run
 */
SesamePrintOperation *
sesame_print_operation_new (SesameChecklist *checklist,
                            SesameMigration *migration)
{
  SesamePrintOperation *self;

  g_return_val_if_fail (SESAME_IS_CHECKLIST (checklist), NULL);
  g_return_val_if_fail (migration == NULL || SESAME_IS_MIGRATION (migration), NULL);

  self = g_object_new (SESAME_TYPE_PRINT_OPERATION, NULL);
  self->checklist = g_object_ref (checklist);
  self->migration = migration != NULL ? g_object_ref (migration) : NULL;
  gtk_print_operation_set_job_name (GTK_PRINT_OPERATION (self),
                                    migration != NULL ? sesame_migration_get_title (migration)
                                                      : sesame_checklist_get_title (checklist));

  return self;
}
