"""Serializers, one module per resource: outputs render a resource, inputs parse an
action's body. No business rule here: the services validate and decide; objects named in
a body are looked up within the caller's scope (:class:`.base.ScopedPrimaryKeyField`), so
an object of another company reads as "does not exist"."""
