package dev.baton.core.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The step ids a checked expression reads: every use of the {@code steps} variable must be a field selection
 * ({@code steps.fetch}, {@code has(steps.fetch)}, {@code steps.?fetch}) or an index by a string constant
 * ({@code steps['fetch']}, {@code steps[?'fetch']}); any other use is "dynamic".
 *
 * @param ids     the step ids, in order of appearance
 * @param dynamic whether {@code steps} is used in a way whose step id is not known at compile time
 */
record StepReferences(Set<String> ids, boolean dynamic) {

    static StepReferences of(CelAbstractSyntaxTree ast) {
        Set<String> ids = new LinkedHashSet<>();
        boolean dynamic = false;
        for (CelNavigableExpr node : CelNavigableAst.fromAst(ast).getRoot().allNodes().toList()) {
            CelExpr expr = node.expr();
            if (expr.getKind() != CelExpr.ExprKind.Kind.IDENT || !isStepsVariable(ast, expr) || shadowed(node)) {
                continue;
            }
            Optional<String> id = node.parent().flatMap(parent -> stepId(parent.expr(), expr));
            if (id.isPresent()) {
                ids.add(id.get());
            } else {
                dynamic = true;
            }
        }
        return new StepReferences(ids, dynamic);
    }

    /** The identifier names the {@code steps} variable (not a comprehension variable of the same name). */
    private static boolean isStepsVariable(CelAbstractSyntaxTree ast, CelExpr ident) {
        if (!ident.ident().name().equals("steps")) {
            return false;
        }
        return ast.getReference(ident.id()).map(CelReference::name).map("steps"::equals).orElse(!ast.isChecked());
    }

    /** Whether an enclosing comprehension binds a loop variable called {@code steps}. */
    private static boolean shadowed(CelNavigableExpr node) {
        for (var parent = node.parent(); parent.isPresent(); parent = parent.get().parent()) {
            CelExpr expr = parent.get().expr();
            if (expr.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION) {
                var comprehension = expr.comprehension();
                boolean binds = comprehension.iterVar().equals("steps") || comprehension.iterVar2().equals("steps")
                        || comprehension.accuVar().equals("steps");
                if (binds && comprehension.iterRange().id() != childOnPath(node, parent.get()).id()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The child of {@code ancestor} on the path down to {@code node}. */
    private static CelExpr childOnPath(CelNavigableExpr node, CelNavigableExpr ancestor) {
        CelNavigableExpr current = node;
        while (current.parent().isPresent() && current.parent().get().id() != ancestor.id()) {
            current = current.parent().get();
        }
        return current.expr();
    }

    private static Optional<String> stepId(CelExpr parent, CelExpr operand) {
        return switch (parent.getKind()) {
            case SELECT -> parent.select().operand().id() == operand.id()
                    ? Optional.of(parent.select().field()) : Optional.empty();
            case CALL -> {
                var call = parent.call();
                boolean index = call.function().equals("_[_]") || call.function().equals("_[?_]")
                        || call.function().equals("_?._");
                if (!index || call.target().isPresent() || call.args().size() != 2
                        || call.args().get(0).id() != operand.id()) {
                    yield Optional.empty();
                }
                CelExpr key = call.args().get(1);
                yield key.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                        && key.constant().getKind() == CelConstant.Kind.STRING_VALUE
                        ? Optional.of(key.constant().stringValue()) : Optional.empty();
            }
            default -> Optional.empty();
        };
    }
}
