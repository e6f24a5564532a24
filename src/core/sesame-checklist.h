/* sesame-checklist.h: what to set on the router and the host firewall
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-catalog.h"
#include "sesame-finding.h"
#include "sesame-plan.h"
#include "sesame-portset.h"
#include "sesame-translation.h"

G_BEGIN_DECLS

#define SESAME_TYPE_CHECKLIST (sesame_checklist_get_type ())

G_DECLARE_FINAL_TYPE (SesameChecklist, sesame_checklist, SESAME, CHECKLIST, GObject)

typedef enum
{
  SESAME_SEVERITY_INFO,
  SESAME_SEVERITY_WARNING,
  SESAME_SEVERITY_CRITICAL,
} SesameSeverity;

/* One row to enter on the router's port-forwarding page */
typedef struct
{
  SesameProtocol   protocol;
  SesamePortRange  external;
  SesamePortRange  internal;
  char            *internal_address;
  GPtrArray       *services;      /* element-type utf8: ids; "custom:NAME" for custom rules */
  GPtrArray       *names;         /* element-type utf8: the same, as people read them */
} SesameForward;

/* Ports kept on the local network, used only outbound, or not forwarded on purpose */
typedef struct
{
  SesameProtocol   protocol;
  SesamePortRange  ports;
  GPtrArray       *services;      /* element-type utf8 */
  GPtrArray       *names;         /* element-type utf8 */
} SesamePortGroup;

typedef struct
{
  char *text;
  char *command;                  /* nullable: a command to type, when there is one */
} SesameStep;

typedef struct
{
  GPtrArray      *services;       /* element-type utf8; empty for the whole plan */
  SesameSeverity  severity;
  char           *text;
  char           *advice;         /* nullable: what to do instead */
} SesameWarning;

typedef struct
{
  SesameProtocol   protocol;
  SesamePortRange  ports;
  GPtrArray       *services;      /* element-type utf8: every service involved */
  char            *text;
} SesameConflict;

SesameChecklist   *sesame_checklist_new                 (SesamePlan      *plan,
                                                         SesameCatalog   *catalog,
                                                         const char      *language,
                                                         GError         **error);

SesameTranslation *sesame_checklist_get_translation     (SesameChecklist *self);
const char        *sesame_checklist_get_language        (SesameChecklist *self);
SesamePlan        *sesame_checklist_get_plan            (SesameChecklist *self);
const SesameRouter *sesame_checklist_get_router         (SesameChecklist *self);
const char        *sesame_checklist_get_router_name     (SesameChecklist *self);
const char        *sesame_checklist_get_router_page     (SesameChecklist *self);
const char        *sesame_checklist_get_admin_url       (SesameChecklist *self);
const char        *sesame_checklist_get_router_menu_path (SesameChecklist *self);
const char        *sesame_checklist_get_title           (SesameChecklist *self);
const char        *sesame_checklist_get_connection_label (SesameChecklist *self);
const char        *sesame_checklist_get_host_os_label   (SesameChecklist *self);
char              *sesame_checklist_get_server_label    (SesameChecklist *self);

GPtrArray         *sesame_checklist_get_router_steps    (SesameChecklist *self);
GPtrArray         *sesame_checklist_get_forwards        (SesameChecklist *self);
GPtrArray         *sesame_checklist_get_lan_only        (SesameChecklist *self);
GPtrArray         *sesame_checklist_get_outbound_only   (SesameChecklist *self);
GPtrArray         *sesame_checklist_get_not_forwarded   (SesameChecklist *self);
GPtrArray         *sesame_checklist_get_firewall_steps  (SesameChecklist *self);
const char        *sesame_checklist_get_firewall_title  (SesameChecklist *self);
GPtrArray         *sesame_checklist_get_verify_steps    (SesameChecklist *self);
GPtrArray         *sesame_checklist_get_warnings        (SesameChecklist *self);
GPtrArray         *sesame_checklist_get_conflicts       (SesameChecklist *self);
void               sesame_checklist_set_findings        (SesameChecklist *self,
                                                         GPtrArray       *findings);
GPtrArray         *sesame_checklist_get_findings        (SesameChecklist *self);
void               sesame_checklist_set_ipv6_address    (SesameChecklist *self,
                                                         const char      *address);
const char        *sesame_checklist_get_ipv6_address    (SesameChecklist *self);
GPtrArray         *sesame_checklist_get_ipv6_steps      (SesameChecklist *self);
const SesamePortset *sesame_checklist_get_portset       (SesameChecklist *self);

char              *sesame_checklist_format_ports        (SesameChecklist       *self,
                                                         const SesamePortRange *range);
const char        *sesame_checklist_format_protocol     (SesameChecklist       *self,
                                                         SesameProtocol         protocol);
char              *sesame_checklist_join_names          (SesameChecklist       *self,
                                                         GPtrArray             *names);
const char        *sesame_severity_to_string            (SesameSeverity         severity);
gboolean           sesame_severity_from_string          (const char            *text,
                                                         SesameSeverity        *severity);
SesameWorks        sesame_checklist_forward_works       (SesameChecklist       *self,
                                                         const SesameForward   *forward,
                                                         GPtrArray             *because);
void               sesame_step_free                     (SesameStep            *step);

G_END_DECLS
