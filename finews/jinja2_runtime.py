"""How the reader pages' Jinja2 templates compile and call: Jinja2's, with less work per page.

finews/jinja2.py configures the engine (``finalize``, the globals and
filters, Django's backend); this module holds the environment class it
uses, whose three changes leave every page's text as Jinja2 writes it
(tests/articles/test_reference_html.py): the compiler (``_CodeGenerator``),
the context's calls (``_Context``) and the templates' globals
(``ReaderEnvironment.make_globals``).
"""

import types

from jinja2 import Environment
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context


class _CodeGenerator(CodeGenerator):
    """Jinja2's compiler, with two changes that leave every page's text as it was.

    - ``{{ value }}`` compiles to ``finalize(value)``, not
      ``escape(finalize(value))``. ``finalize`` escapes already and returns
      safe text, which markupsafe's ``escape`` only wraps again (a
      ``__html__`` call and a new ``Markup``): four Python calls for each of
      a page's sixty-odd values. A block rendered with autoescaping off, or
      decided at run time, compiles as Jinja2 compiles it.
    - A template's body and each of its blocks collect their output in a
      list and yield it joined, once, as Jinja2 already compiles macros and
      ``{% call %}`` bodies. Otherwise each piece of text and each value is a
      ``yield`` of its own, passed up through every enclosing block and
      template (an article page: about 160 pieces, three levels deep).
    """

    def blockvisit(self, nodes, frame):
        if frame.buffer is not None or not (frame.rootlevel or frame.block_frame):
            super().blockvisit(nodes, frame)
            return
        frame.buffer = "_output"
        self.writeline("_output = []")
        try:
            super().blockvisit(nodes, frame)
        finally:
            frame.buffer = None
        self.writeline("yield concat(_output)")

    def _prints_finalized(self, frame, finalize):
        return frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src

    def _output_child_pre(self, node, frame, finalize):
        if self._prints_finalized(frame, finalize):
            self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize):
        if self._prints_finalized(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


# Callables that can carry no ``pass_context`` mark: built-in functions and methods.
_BUILTINS = (types.BuiltinFunctionType, types.BuiltinMethodType, types.MethodWrapperType)
_PLAIN = (types.FunctionType, types.MethodType)


class _Context(Context):
    """Jinja2's context, calling a plain function or method without Jinja2's dispatch.

    A template's every call (``{{ url('hot:box') }}``, ``article.tags.all()``)
    goes through ``Context.call``, which asks the callable and its
    ``__call__`` whether they take the context, the evaluation context or the
    environment first: three attribute lookups and two calls of ``_PassArg``
    per call, thirty-odd calls per page. A function or bound method answers
    through its own ``jinja_pass_arg`` attribute, a built-in never takes one;
    anything else (a ``pass_context`` function, a block's ``super()``, a
    macro, a callable object) goes through ``Context.call`` as before.
    """

    def call(__self, __obj, *args, **kwargs):
        kind = type(__obj)
        if kind in _BUILTINS or (kind in _PLAIN and getattr(__obj, "jinja_pass_arg", None) is None):
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)


class ReaderEnvironment(Environment):
    """Jinja2's environment with the compiler and context above."""

    code_generator_class = _CodeGenerator
    context_class = _Context

    def make_globals(self, d):
        """A template's globals: a dict of the environment's, overlaid with ``d``.

        Jinja2 gives each template a ``ChainMap`` over the environment's globals,
        which every render copies into the page's context key by key, through
        ``ChainMap``'s Python-level lookups. This environment's globals are set
        once, in ``environment()``, before any template loads, so a dict made
        when the template loads holds the same names and values.
        """
        return {**self.globals, **(d or {})}
