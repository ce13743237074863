//! The permission seam: roles map to permissions, and code checks permissions, never roles.

use stride_domain::people::Role;
use stride_domain::text_enum;

text_enum! {
    /// Something a user may be allowed to do beyond managing their own data.
    #[derive(async_graphql::Enum)]
    pub enum Permission {
        /// Issue and withdraw invites for athletes and coaches.
        InviteUsers => "invite_users",
        /// Make, invite or demote admins and owners.
        ManageAdmins => "manage_admins",
        /// Change roles of athletes and coaches; disable accounts.
        ManageUsers => "manage_users",
        /// Read and verify the audit log.
        ReadAudit => "read_audit",
        /// List, enable, disable and reload plugins.
        ManagePlugins => "manage_plugins",
        /// Pause and resume ingestion (the emergency brake).
        ManageIngestion => "manage_ingestion",
        /// Receive access grants from athletes and act on them.
        CoachAthletes => "coach_athletes",
        /// Edit rules shared by a whole team.
        ManageTeamRules => "manage_team_rules",
        /// Act as another user for a limited time, with a reason, to see what they see.
        /// No role but the owner's carries it: an admin gets it only as an explicit grant.
        Impersonate => "impersonate",
    }
}

/// The permissions a role carries. Everyone may always manage their own data.
pub fn permissions_of(role: Role) -> &'static [Permission] {
    use Permission::*;
    match role {
        Role::Athlete => &[],
        Role::Coach => &[CoachAthletes, ManageTeamRules],
        Role::Admin => &[
            InviteUsers,
            ManageUsers,
            ReadAudit,
            ManagePlugins,
            ManageIngestion,
        ],
        Role::Owner => Permission::ALL,
    }
}

/// Whether `role` carries `permission`.
pub fn role_has(role: Role, permission: Permission) -> bool {
    permissions_of(role).contains(&permission)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_can_do_everything_and_athletes_only_their_own_things() {
        for p in Permission::ALL {
            assert!(role_has(Role::Owner, *p));
            assert!(!role_has(Role::Athlete, *p));
        }
        assert!(!role_has(Role::Admin, Permission::ManageAdmins));
        assert!(!role_has(Role::Admin, Permission::CoachAthletes));
        assert!(role_has(Role::Coach, Permission::CoachAthletes));
        assert!(!role_has(Role::Admin, Permission::Impersonate));
    }
}
