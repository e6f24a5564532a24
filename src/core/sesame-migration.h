/* sesame-migration.h: what to do when the router is replaced
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-catalog.h"
#include "sesame-checklist.h"
#include "sesame-checklist-outline.h"
#include "sesame-plan.h"
#include "sesame-translation.h"

G_BEGIN_DECLS

#define SESAME_TYPE_MIGRATION (sesame_migration_get_type ())

G_DECLARE_FINAL_TYPE (SesameMigration, sesame_migration, SESAME, MIGRATION, GObject)

typedef enum
{
  SESAME_CHANGE_ROUTER,           /* another make or model */
  SESAME_CHANGE_ROUTER_ADDRESS,   /* the router's own address on the home network */
  SESAME_CHANGE_HOST_ADDRESS,
  SESAME_CHANGE_SUBNET,           /* the home network, as a /24 */
  SESAME_CHANGE_PAGE,             /* the name of the port-forwarding page */
  SESAME_CHANGE_MENU_PATH,
  SESAME_CHANGE_CONNECTION,
  SESAME_CHANGE_HOST_OS,          /* the firewall is set up differently */
  SESAME_CHANGE_PORTS_ADDED,      /* a service or custom rule new in the plan */
  SESAME_CHANGE_PORTS_REMOVED,    /* a service or custom rule no longer in the plan */
  SESAME_CHANGE_FORWARD_ADDRESS,  /* rows kept, leading to another address */
} SesameChangeKind;

/* One difference between the old plan and the new one. The values are
 * identifiers where there are some (router, connection and system ids,
 * service ids and "custom:NAME"), else what the checklists show (addresses,
 * "192.168.11.0/24", page names and menu paths in the migration's language). */
typedef struct
{
  SesameChangeKind  kind;
  char             *old_value;    /* nullable: NULL for PORTS_ADDED */
  char             *new_value;    /* nullable: NULL for PORTS_REMOVED */
  char             *text;         /* a whole sentence in the migration's language */
} SesameChange;

SesameMigration   *sesame_migration_new                    (SesamePlan       *old_plan,
                                                            SesamePlan       *new_plan,
                                                            SesameCatalog    *catalog,
                                                            const char       *language,
                                                            GError          **error);

SesameChecklist   *sesame_migration_get_old_checklist      (SesameMigration  *self);
SesameChecklist   *sesame_migration_get_new_checklist      (SesameMigration  *self);
SesameTranslation *sesame_migration_get_translation        (SesameMigration  *self);
const char        *sesame_migration_get_language           (SesameMigration  *self);
const char        *sesame_migration_get_title              (SesameMigration  *self);
gboolean           sesame_migration_is_same_router         (SesameMigration  *self);

SesameOutline     *sesame_migration_build_outline          (SesameMigration  *self);

GPtrArray         *sesame_migration_get_changes            (SesameMigration  *self);
gboolean           sesame_migration_has_change             (SesameMigration  *self,
                                                            SesameChangeKind  kind);
GPtrArray         *sesame_migration_get_warnings           (SesameMigration  *self);
GPtrArray         *sesame_migration_get_conflicts          (SesameMigration  *self);

GPtrArray         *sesame_migration_get_add_forwards       (SesameMigration  *self);
GPtrArray         *sesame_migration_get_new_router_steps   (SesameMigration  *self);

GPtrArray         *sesame_migration_get_remove_forwards    (SesameMigration  *self);
GPtrArray         *sesame_migration_get_remove_steps       (SesameMigration  *self);
GPtrArray         *sesame_migration_get_remove_notes       (SesameMigration  *self);

gboolean           sesame_migration_get_firewall_changed   (SesameMigration  *self);
const char        *sesame_migration_get_firewall_note      (SesameMigration  *self);
GPtrArray         *sesame_migration_get_firewall_steps     (SesameMigration  *self);

const char        *sesame_change_kind_to_string            (SesameChangeKind  kind);
gboolean           sesame_change_kind_from_string          (const char       *text,
                                                            SesameChangeKind *kind);

G_END_DECLS
