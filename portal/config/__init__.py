"""The portal's settings as the admin keeps them: the one-row model and its admin
(secrets encrypted, `crypto`), the configuration in force (`current`: environment,
then admin, then defaults), branding, allowed origins, the embed snippet the admin
shows, "Test connection", and the "being set up" page until Tixallo is connected.

May import: tixallo (the Connection it supplies to the client, "Test connection",
its base-URL and loopback checks), shared (the settings' version every process reads).
Every other package may read it; it imports none of them.
"""
